import { z } from 'zod';
import { defineMessage } from '../define-message.ts';

export const MarketRegime = z.enum(['trending_bull', 'trending_bear', 'ranging', 'volatile', 'quiet']);
export type MarketRegime = z.infer<typeof MarketRegime>;

/** Output of the regime agent for one symbol. */
export const RegimeDetected = defineMessage({
  type: 'regime.detected',
  topic: 'regime_updates',
  description: 'Market regime of one symbol with a confidence',
  payload: z
    .object({
      timeframe: z.string().min(1),
      candleOpenTimeMs: z.number().int().nonnegative(),
      regime: MarketRegime,
      confidence: z.number().min(0).max(1),
    })
    .strict(),
});
