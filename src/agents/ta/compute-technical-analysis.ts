import { assertEnoughCandles, type AnalysisOptions } from './assert-enough-candles.ts';
import { measureIndicators } from './measure-indicators.ts';
import { nearestLevels } from './nearest-levels.ts';
import { scoreBias } from './score-bias.ts';
import { toCandleSeries, type TaCandle } from './ta-candle.ts';
import type { TaOutput } from './ta-output.ts';
import { roundRatio, toPriceString } from './to-decimal-string.ts';
import { volumeTrend } from './volume-trend.ts';

/**
 * Technical analysis of the newest bar of one symbol and timeframe. Pure: the same candles
 * always give the same output.
 *
 * Indicators come from trading-signals: RSI(14), MACD(12, 26, 9), EMA 9/21/50/200, ATR(14),
 * Bollinger bands(20, 2σ), ADX(14); volume trend and support/resistance as documented in
 * `volumeTrend` and `nearestLevels`; the bias and its confidence as documented in `scoreBias`.
 *
 * @param candles one series, oldest first; all of it is used (more history, steadier EMAs).
 * @throws InsufficientDataError (`NOT_FOUND`, not retryable) with fewer than
 *   `max(minCandles, ANALYSIS_MIN_CANDLES)` candles, naming needed and got.
 * @throws TriplegainError `MESSAGE_INVALID` when the candles are not one ascending series.
 */
export function computeTechnicalAnalysis(candles: readonly TaCandle[], options: AnalysisOptions = {}): TaOutput {
  assertEnoughCandles('technical analysis', candles, options);
  const series = toCandleSeries(candles);
  const s = measureIndicators(series.bars);
  const verdict = scoreBias(s);
  const volume = volumeTrend(s.volumeRecentAvg, s.volumeBaselineAvg);
  const levels = nearestLevels(s.close, s.swingHighs, s.swingLows);
  return {
    timeframe: series.timeframe,
    candleOpenTimeMs: series.lastOpenTimeMs,
    close: toPriceString(s.close),
    bias: verdict.bias,
    confidence: roundRatio(verdict.confidence),
    scores: {
      trend: roundRatio(verdict.scores.trend),
      momentum: roundRatio(verdict.scores.momentum),
      strength: roundRatio(verdict.scores.strength),
    },
    indicators: {
      rsi14: roundRatio(s.rsi14),
      macd: {
        line: toPriceString(s.macd.line),
        signal: toPriceString(s.macd.signal),
        histogram: toPriceString(s.macd.histogram),
      },
      ema: {
        ema9: toPriceString(s.ema9),
        ema21: toPriceString(s.ema21),
        ema50: toPriceString(s.ema50),
        ema200: toPriceString(s.ema200),
      },
      atr14: toPriceString(s.atr14),
      bollinger: {
        lower: toPriceString(s.bollinger.lower),
        middle: toPriceString(s.bollinger.middle),
        upper: toPriceString(s.bollinger.upper),
      },
      adx14: { adx: roundRatio(s.adx14), plusDi: roundRatio(s.plusDi), minusDi: roundRatio(s.minusDi) },
      volume: {
        recentAvg: toPriceString(s.volumeRecentAvg),
        baselineAvg: toPriceString(s.volumeBaselineAvg),
        ratio: volume.ratio === null ? null : roundRatio(volume.ratio),
        trend: volume.trend,
      },
      levels: { support: levels.support.map(toPriceString), resistance: levels.resistance.map(toPriceString) },
    },
  };
}
