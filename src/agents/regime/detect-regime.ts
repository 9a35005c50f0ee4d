import type { MarketRegime } from '../../model/market-regime.ts';
import type { RegimeMetrics } from './contract/regime-detected.ts';
import type { AgentsConfig } from '../../config/sections/agents-config.ts';
import { assertEnoughCandles, type AnalysisOptions } from '../ta/assert-enough-candles.ts';
import { clamp, mean, sign } from '../ta/score-math.ts';
import { measureIndicators, type IndicatorSnapshot } from '../ta/measure-indicators.ts';
import { toCandleSeries, type TaCandle } from '../ta/ta-candle.ts';
import { roundRatio } from '../ta/to-decimal-string.ts';
import type { RegimeOutput } from './regime-output.ts';

/** Thresholds of the rules: `agents.regime` of the config. */
export type RegimeSettings = AgentsConfig['regime'];

/** |EMA alignment| at or above which the EMAs agree on a direction (3 of 4 checks). */
export const MIN_TREND_ALIGNMENT = 0.5;

/**
 * The market regime at the newest bar. Pure: the same candles and settings always give the
 * same output. Rules, first match wins:
 *
 * 1. **volatile** when ATR(14) % of the close ≥ `volatilityHighPct`: bars this wide make any
 *    trend reading secondary. Confidence 0.5 at the threshold, 1 at twice the threshold.
 * 2. **trending_bull / trending_bear** when ADX(14) ≥ `adxTrendThreshold` and the EMA
 *    alignment is ≥ 0.5 / ≤ −0.5. Alignment = mean of sign(close − EMA21),
 *    sign(EMA21 − EMA50), sign(EMA50 − EMA200) and sign(slope of EMA50 over 10 bars), so at
 *    least three of the four agree. Confidence = 0.5 + 0.25 · ADX excess (0 at the threshold,
 *    1 at twice it) + 0.25 · (|alignment| − 0.5) / 0.5.
 * 3. **volatile** when the Bollinger width (20, 2σ) % of the middle band ≥ `bandWidthHighPct`:
 *    wide swings without a trend. Confidence 0.5 at the threshold, 1 at twice it.
 * 4. **quiet** when ATR % ≤ `volatilityLowPct` and Bollinger width % ≤ `bandWidthLowPct`.
 *    Confidence 0.5 at the thresholds, rising to 1 as either measure goes to zero (the
 *    nearer-to-threshold one decides).
 * 5. **ranging** otherwise. Confidence 0.5 + 0.5 · (threshold − ADX) / threshold, clamped to
 *    [0.5, 1]: the weaker the trend strength, the surer the range.
 *
 * @param candles one series, oldest first.
 * @throws InsufficientDataError with fewer than `max(options.minCandles, ANALYSIS_MIN_CANDLES)` candles.
 * @throws TriplegainError `MESSAGE_INVALID` when the candles are not one ascending series.
 */
export function detectRegime(
  candles: readonly TaCandle[],
  settings: RegimeSettings,
  options: AnalysisOptions = {},
): RegimeOutput {
  assertEnoughCandles('regime detection', candles, options);
  const series = toCandleSeries(candles);
  const metrics = regimeMetrics(measureIndicators(series.bars));
  const { regime, confidence } = classify(metrics, settings);
  return {
    timeframe: series.timeframe,
    candleOpenTimeMs: series.lastOpenTimeMs,
    regime,
    confidence: roundRatio(confidence),
    metrics: {
      adx: roundRatio(metrics.adx),
      atrPct: roundRatio(metrics.atrPct),
      bandWidthPct: roundRatio(metrics.bandWidthPct),
      emaAlignment: roundRatio(metrics.emaAlignment),
      ema50SlopePct: roundRatio(metrics.ema50SlopePct),
    },
  };
}

function regimeMetrics(s: IndicatorSnapshot): RegimeMetrics {
  const ema50SlopePct = (100 * (s.ema50 - s.ema50Earlier)) / s.ema50Earlier;
  const checks = [sign(s.close - s.ema21), sign(s.ema21 - s.ema50), sign(s.ema50 - s.ema200), sign(ema50SlopePct)];
  return {
    adx: s.adx14,
    atrPct: (100 * s.atr14) / s.close,
    bandWidthPct: (100 * (s.bollinger.upper - s.bollinger.lower)) / s.bollinger.middle,
    emaAlignment: mean(checks),
    ema50SlopePct,
  };
}

function classify(m: RegimeMetrics, t: RegimeSettings): { regime: MarketRegime; confidence: number } {
  if (m.atrPct >= t.volatilityHighPct) {
    return { regime: 'volatile', confidence: beyond(m.atrPct, t.volatilityHighPct) };
  }
  if (m.adx >= t.adxTrendThreshold && Math.abs(m.emaAlignment) >= MIN_TREND_ALIGNMENT) {
    const adxExcess = clamp((m.adx - t.adxTrendThreshold) / t.adxTrendThreshold, 0, 1);
    const agreement = (Math.abs(m.emaAlignment) - MIN_TREND_ALIGNMENT) / (1 - MIN_TREND_ALIGNMENT);
    return {
      regime: m.emaAlignment > 0 ? 'trending_bull' : 'trending_bear',
      confidence: 0.5 + 0.25 * adxExcess + 0.25 * agreement,
    };
  }
  if (m.bandWidthPct >= t.bandWidthHighPct) {
    return { regime: 'volatile', confidence: beyond(m.bandWidthPct, t.bandWidthHighPct) };
  }
  if (m.atrPct <= t.volatilityLowPct && m.bandWidthPct <= t.bandWidthLowPct) {
    const calm = Math.min(1 - m.atrPct / t.volatilityLowPct, 1 - m.bandWidthPct / t.bandWidthLowPct);
    return { regime: 'quiet', confidence: 0.5 + 0.5 * calm };
  }
  return {
    regime: 'ranging',
    confidence: 0.5 + 0.5 * clamp((t.adxTrendThreshold - m.adx) / t.adxTrendThreshold, 0, 1),
  };
}

/** 0.5 at the threshold, 1 at twice the threshold and beyond. */
function beyond(value: number, threshold: number): number {
  return 0.5 + 0.5 * clamp(value / threshold - 1, 0, 1);
}
