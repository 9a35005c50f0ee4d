import { TriplegainError } from '../../shared/triplegain-error.ts';

export interface InsufficientDataDetails {
  /** What could not be computed, e.g. `technical analysis`. */
  analysis: string;
  /** Candles the analysis needs. */
  needed: number;
  /** Candles it was given. */
  got: number;
  /** Absent when no candle was given at all. */
  symbol?: string;
  timeframe?: string;
}

/**
 * An analysis was asked to run on less history than it needs. Not retryable: the same job
 * would fail the same way; the next scheduled run, with more candles stored, succeeds.
 *
 * Code `NOT_FOUND` (the data the analysis needs is not there) until the catalog has a
 * dedicated code.
 */
export class InsufficientDataError extends TriplegainError {
  readonly needed: number;
  readonly got: number;

  constructor(details: InsufficientDataDetails) {
    const series = details.symbol === undefined ? '' : ` of ${details.symbol} ${details.timeframe ?? ''}`.trimEnd();
    super('NOT_FOUND', `${details.analysis}${series} needs at least ${details.needed} candles, got ${details.got}`, {
      ...details,
    });
    this.name = 'InsufficientDataError';
    this.needed = details.needed;
    this.got = details.got;
  }
}
