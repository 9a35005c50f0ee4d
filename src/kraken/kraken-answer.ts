import { z } from 'zod';
import { TriplegainError } from '../shared/triplegain-error.ts';

const Envelope = z.object({ result: z.record(z.string(), z.unknown()) });

/** The `result` object of a Kraken answer `{ error: [], result: {…} }`. */
export function resultOf(response: unknown, what: string): Record<string, unknown> {
  // Something between us and Kraken answered (an HTML page, a cut-off body): the request may
  // or may not have been processed.
  if (typeof response !== 'object' || response === null) {
    throw new TriplegainError('EXCHANGE_UNAVAILABLE', `kraken ${what}: the answer is not JSON`, {
      call: what,
      requestSent: true,
    });
  }
  const envelope = Envelope.safeParse(response);
  if (!envelope.success) {
    throw new TriplegainError('EXCHANGE_UNAVAILABLE', `kraken ${what}: the answer has no "result" object`, {
      call: what,
      requestSent: true,
    });
  }
  return envelope.data.result;
}

/** Kraken's `E<Category>:<message>` error string in a ccxt error message, if any. */
export function krakenErrorOf(err: unknown): string | undefined {
  if (!(err instanceof Error)) return undefined;
  return /"(E[A-Za-z]+:[^"]*)"/.exec(err.message)?.[1];
}
