import { z } from 'zod';
import { StoredDecimal } from '../positions/position-decimal.ts';

/**
 * What a portfolio tick did. `rebalance`:
 * - `not_needed`: no asset drifted the threshold from its target;
 * - `nothing_to_trade`: one did, but every trade was below the minimum trade size;
 * - `planned`: the batches were added (`rebalanceId`, `batches`);
 * - `in_progress`: an earlier rebalance still has batches to run: nothing new is planned.
 */
export const PortfolioTickResult = z
  .object({
    equityUsd: StoredDecimal,
    rebalance: z.enum(['not_needed', 'nothing_to_trade', 'planned', 'in_progress']),
    /** The rebalance planned now, or the one in progress; null otherwise. */
    rebalanceId: z.string().min(1).nullable(),
    batches: z.number().int().nonnegative(),
    sells: z.number().int().nonnegative(),
    buys: z.number().int().nonnegative(),
  })
  .strict();
export type PortfolioTickResult = z.infer<typeof PortfolioTickResult>;
