/**
 * Periods of every indicator the analysis agents compute, and the history they need. This
 * file imports nothing, so the config schema can bound `agents.ta.minCandles` with it.
 */
export const PERIODS = {
  rsi: 14,
  macdFast: 12,
  macdSlow: 26,
  macdSignal: 9,
  emaFast: 9,
  emaShort: 21,
  emaMedium: 50,
  emaLong: 200,
  atr: 14,
  bollinger: 20,
  bollingerDeviations: 2,
  adx: 14,
  /** Average volume of the last N bars… */
  volumeRecent: 10,
  /** …against the average of the last M bars. */
  volumeBaseline: 50,
  /** A swing high (low) is a bar whose high (low) is above (below) the N bars on each side. */
  swingLookback: 5,
  /** Swing levels are looked for in the last N bars. */
  levelWindow: 120,
  /** The regime agent reads the slope of EMA(50) over the last N bars. */
  emaSlopeBars: 10,
} as const;

/**
 * Largest weight the first close may still carry in EMA(200) when the analysis reads it.
 * trading-signals seeds an EMA with the first close and calls it stable after `period` closes,
 * when that seed still weighs (1 − 2/201)^199 ≈ 14 %; the analysis waits until it is ≤ 10 %.
 */
export const MAX_EMA_SEED_WEIGHT = 0.1;

/**
 * Closes an EMA seeded with the first close needs until that seed weighs at most
 * `maxSeedWeight`: after n closes it weighs (1 − α)^(n − 1) with α = 2 / (period + 1). Never
 * less than `period` (the library's own stability point).
 */
export function emaWarmUpCandles(period: number, maxSeedWeight: number): number {
  const keep = 1 - 2 / (period + 1);
  return Math.max(period, 1 + Math.ceil(Math.log(maxSeedWeight) / Math.log(keep)));
}

/**
 * Candles the TA and regime agents need (232 with the periods above): the longest of
 * - EMA(200) warmed up until its seed weighs ≤ `MAX_EMA_SEED_WEIGHT` (232),
 * - EMA(50) stable `emaSlopeBars` bars before the last one (60),
 * - MACD(12, 26, 9): slow EMA, then the signal EMA of the line (34), ADX(14): two Wilder
 *   smoothings (27),
 * - the swing-level window (120) and the volume baseline (50).
 */
export const ANALYSIS_MIN_CANDLES = Math.max(
  emaWarmUpCandles(PERIODS.emaLong, MAX_EMA_SEED_WEIGHT),
  PERIODS.emaMedium + PERIODS.emaSlopeBars,
  PERIODS.macdSlow + PERIODS.macdSignal - 1,
  2 * PERIODS.adx - 1,
  PERIODS.levelWindow,
  PERIODS.volumeBaseline,
);
