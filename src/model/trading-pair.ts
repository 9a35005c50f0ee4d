import { z } from 'zod';

/** A trading pair as BASE/QUOTE, such as `BTC/USD`. */
export const TradingPair = z.string().regex(/^[A-Z0-9]+\/[A-Z0-9]+$/, 'expected a pair such as BTC/USD');
export type TradingPair = z.infer<typeof TradingPair>;

/** The pair that prices `base` in `quote`: `pairOf('BTC', 'USD')` is `BTC/USD`. */
export function pairOf(base: string, quote: string): string {
  return `${base}/${quote}`;
}
