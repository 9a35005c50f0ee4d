import { z } from 'zod';

/** The market regime the regime agent reads from the candles. */
export const MarketRegime = z.enum(['trending_bull', 'trending_bear', 'ranging', 'volatile', 'quiet']);
export type MarketRegime = z.infer<typeof MarketRegime>;
