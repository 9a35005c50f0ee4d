import { symbolSlug } from '../market/symbol-slug.ts';

/**
 * The id of the decision for one symbol and bar: `sig-BTC-USD-1h-<bar open ms>`.
 * Derived, not random, so that a retried or repeated decision on the same bar is the same
 * signal (stored once; consumers dedupe on it) and a replay produces the same ids. The
 * readable part is for operators; code never parses an id.
 */
export function signalIdOf(symbol: string, timeframe: string, candleOpenTimeMs: number): string {
  return `sig-${symbolSlug(symbol)}-${timeframe}-${candleOpenTimeMs}`;
}
