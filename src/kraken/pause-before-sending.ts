import { setTimeout as delay } from 'node:timers/promises';
import { TriplegainError } from '../shared/triplegain-error.ts';

/** The caller aborted a Kraken call while it waited for its turn: `TIMEOUT`, never sent. */
export function abortedBeforeSending(what: string): TriplegainError {
  return new TriplegainError('TIMEOUT', `kraken ${what}: aborted by the caller before it was sent`, {
    call: what,
    requestSent: false,
  });
}

/** Waits `ms` (wall time); the caller's abort ends the wait as `abortedBeforeSending`. */
export async function pauseBeforeSending(ms: number, signal: AbortSignal | undefined, what: string): Promise<void> {
  try {
    await delay(ms, undefined, { signal });
  } catch (err) {
    if (signal?.aborted) throw abortedBeforeSending(what);
    throw err;
  }
}
