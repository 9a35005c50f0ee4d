import { TriplegainError } from '../shared/triplegain-error.ts';

/** Kraken answered `what` with something we cannot use: `EXCHANGE_REJECTED`, naming the call. */
export function krakenRejected(what: string, problem: string): TriplegainError {
  return new TriplegainError('EXCHANGE_REJECTED', `kraken ${what}: ${problem}`, { call: what });
}
