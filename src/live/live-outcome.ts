import { describeError, TriplegainError } from '../shared/triplegain-error.ts';

/** What one request to Kraken came to: its value, or the error it failed with. */
export type LiveOutcome<T> = { ok: true; value: T } | { ok: false; error: TriplegainError };

/**
 * Runs `work` and keeps its failure as a value, so that one failed request becomes one failed
 * line of the check instead of ending it. Anything that is not a `TriplegainError` (a bug) is
 * kept as an `EXCHANGE_REJECTED` carrying its description.
 */
export async function attempt<T>(work: () => Promise<T>): Promise<LiveOutcome<T>> {
  try {
    return { ok: true, value: await work() };
  } catch (err) {
    const error =
      err instanceof TriplegainError
        ? err
        : new TriplegainError('EXCHANGE_REJECTED', describeError(err), {}, { cause: err });
    return { ok: false, error };
  }
}

/** Kraken's own error string (`EAPI:Invalid nonce`) of a failed outcome, if Kraken sent one. */
export function krakenErrorOf(outcome: LiveOutcome<unknown>): string | undefined {
  if (outcome.ok) return undefined;
  const code = outcome.error.details['krakenError'];
  return typeof code === 'string' ? code : undefined;
}
