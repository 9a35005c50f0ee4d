import type { Timeframe } from '../model/timeframe.ts';

/** Bar length in minutes per timeframe: Kraken's OHLC `interval` parameter. */
const KRAKEN_INTERVAL_MINUTES: Readonly<Record<Timeframe, number>> = {
  '1m': 1,
  '5m': 5,
  '15m': 15,
  '30m': 30,
  '1h': 60,
  '4h': 240,
  '1d': 1_440,
  '1w': 10_080,
};

/** Kraken's OHLC `interval` (minutes) for a timeframe: `1h` → 60. */
export function krakenInterval(timeframe: Timeframe): number {
  return KRAKEN_INTERVAL_MINUTES[timeframe];
}

/** Length of one bar in milliseconds: `1h` → 3 600 000. */
export function timeframeMs(timeframe: Timeframe): number {
  return KRAKEN_INTERVAL_MINUTES[timeframe] * 60_000;
}

/**
 * Start of the bar that contains `timeMs`. Kraken aligns bars to the Unix epoch, so weekly
 * bars start on Thursdays (1970-01-01 was one).
 */
export function barOpenTimeMs(timeMs: number, timeframe: Timeframe): number {
  const length = timeframeMs(timeframe);
  return Math.floor(timeMs / length) * length;
}
