import { InsufficientDataError } from '../kit/insufficient-data-error.ts';
import { ANALYSIS_MIN_CANDLES } from '../periods/analysis-periods.ts';
import type { TaCandle } from './ta-candle.ts';

export interface AnalysisOptions {
  /**
   * Candles required before anything is emitted (`agents.ta.minCandles`). Values below
   * `ANALYSIS_MIN_CANDLES` are raised to it. Default: `ANALYSIS_MIN_CANDLES`.
   */
  minCandles?: number;
}

/**
 * @throws InsufficientDataError with fewer than `max(minCandles, ANALYSIS_MIN_CANDLES)`
 *   candles, naming the analysis, the series, and needed vs got.
 */
export function assertEnoughCandles(analysis: string, candles: readonly TaCandle[], options: AnalysisOptions): void {
  const needed = Math.max(ANALYSIS_MIN_CANDLES, options.minCandles ?? 0);
  if (candles.length >= needed) return;
  const first = candles[0];
  throw new InsufficientDataError({
    analysis,
    needed,
    got: candles.length,
    ...(first && { symbol: first.symbol, timeframe: first.timeframe }),
  });
}
