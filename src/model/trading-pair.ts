import { z } from 'zod';

/** A trading pair as BASE/QUOTE, such as `BTC/USD`. */
export const TradingPair = z.string().regex(/^[A-Z0-9]+\/[A-Z0-9]+$/, 'expected a pair such as BTC/USD');
export type TradingPair = z.infer<typeof TradingPair>;
