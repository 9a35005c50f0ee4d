import { z } from 'zod';
import type { MessageDefinition } from '../../../bus/define-message.ts';
import { DecimalString, NonNegativeDecimalString } from '../../../model/decimal-string.ts';

/** 0–100, e.g. RSI or ADX. */
const Oscillator = z.number().min(0).max(100);

/**
 * Indicator values at the analysed bar. Price-valued ones are decimal strings (8 fractional
 * digits); oscillators and ratios are numbers.
 */
export const TaIndicators = z
  .object({
    /** RSI(14), Wilder smoothing. */
    rsi14: Oscillator,
    /** MACD(12, 26, 9): line = EMA12 − EMA26, signal = EMA9 of the line, histogram = line − signal. */
    macd: z.object({ line: DecimalString, signal: DecimalString, histogram: DecimalString }).strict(),
    ema: z.object({ ema9: DecimalString, ema21: DecimalString, ema50: DecimalString, ema200: DecimalString }).strict(),
    /** ATR(14), Wilder smoothing, in price units. */
    atr14: NonNegativeDecimalString,
    /** Bollinger bands(20, 2σ): SMA20 ± 2 standard deviations. */
    bollinger: z.object({ lower: DecimalString, middle: DecimalString, upper: DecimalString }).strict(),
    /** ADX(14) with its directional indicators +DI and −DI. */
    adx14: z.object({ adx: Oscillator, plusDi: Oscillator, minusDi: Oscillator }).strict(),
    volume: z
      .object({
        /** Mean volume of the last 10 bars, in units of the base asset. */
        recentAvg: NonNegativeDecimalString,
        /** Mean volume of the last 50 bars. */
        baselineAvg: NonNegativeDecimalString,
        /** recentAvg / baselineAvg; null when the baseline is zero (only gap-filled bars). */
        ratio: z.number().nonnegative().nullable(),
        /** rising: ratio ≥ 1.25, falling: ratio ≤ 0.8, flat otherwise. */
        trend: z.enum(['rising', 'falling', 'flat']),
      })
      .strict(),
    /** Swing levels of the last 120 bars (pivots 5 bars each side), nearest first, at most 3 per side. */
    levels: z.object({ support: z.array(DecimalString).max(3), resistance: z.array(DecimalString).max(3) }).strict(),
  })
  .strict();
export type TaIndicators = z.infer<typeof TaIndicators>;

/** Output of the technical-analysis agent for one symbol. */
export const TaSignalEmitted = {
  type: 'ta.signal_emitted',
  topic: 'ta_signals',
  description: 'Technical-analysis bias and indicator values for one symbol',
  payload: z
    .object({
      timeframe: z.string().min(1),
      /** Open time of the analysed (newest) bar. */
      candleOpenTimeMs: z.number().int().nonnegative(),
      /** Close of the analysed bar. */
      close: DecimalString,
      bias: z.enum(['long', 'short', 'neutral']),
      confidence: z.number().min(0).max(1),
      /** The parts the bias was scored from. */
      scores: z
        .object({
          /** EMA stack, −1 (bearish) to 1 (bullish). */
          trend: z.number().min(-1).max(1),
          /** MACD and RSI, −1 to 1. */
          momentum: z.number().min(-1).max(1),
          /** Trend strength from ADX, 0 to 1. */
          strength: z.number().min(0).max(1),
        })
        .strict(),
      indicators: TaIndicators,
    })
    .strict(),
} as const satisfies MessageDefinition;
