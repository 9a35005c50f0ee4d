import { z } from 'zod';

/**
 * Whether the risk engine lets orders through. `ACTIVE`: every rule-abiding order.
 * `REDUCING`: only orders that reduce exposure (a breaker asked for smaller positions).
 * `HALTED`: only exits (the halt's own close-out); it ends only with a manual `reset`.
 */
export const TradingState = z.enum(['ACTIVE', 'REDUCING', 'HALTED']);
export type TradingState = z.infer<typeof TradingState>;
