import { z } from 'zod';
import { Side } from '../model/side.ts';
import { tradingPair } from '../config/config-fields.ts';
import { NonNegativeStoredDecimal } from '../positions/position-decimal.ts';
import { RebalanceTrade } from './rebalance-trade.ts';

/**
 * One leg of a rebalance batch: the `sells` job (the child) or the `buys` job (the parent,
 * which BullMQ starts only once its `sells` child has completed). See `portfolioHandlers`.
 *
 * `proposedAtMs` and `proposals` are written by the job itself (`job.updateData`) once it has
 * proposed its trades: a later run of the same job (the next poll, a retry, another worker
 * after a restart) then waits for those proposals instead of proposing again.
 */
export const RebalanceLegData = z
  .object({
    rebalanceId: z.string().min(1),
    batchIndex: z.number().int().nonnegative(),
    correlationId: z.string().min(1),
    /** The planned trades of this leg (all sells, or all buys). */
    trades: z.array(RebalanceTrade),
    /** A later DCA batch: market time (ms) before which it proposes nothing. */
    notBeforeMs: z.number().int().nonnegative().optional(),
    /** Market time the leg proposed its trades (ms); absent before. */
    proposedAtMs: z.number().int().nonnegative().optional(),
    /** What was proposed, and what was left out at proposal time with why. */
    proposals: z.array(z.object({ proposalId: z.string().min(1), symbol: tradingPair() }).strict()).optional(),
    skipped: z.array(z.object({ symbol: tradingPair(), reason: z.string().min(1) }).strict()).optional(),
  })
  .strict();
export type RebalanceLegData = z.infer<typeof RebalanceLegData>;

/**
 * How one proposed trade ended. `filled`, `canceled`, `expired`, `rejected` (the exchange
 * refused it) and `refused` (the trading state refused to send it) are the order's; `denied`
 * is the risk engine's; `failed` means its risk or execution job failed without an order.
 */
export const TradeOutcome = z.enum(['filled', 'canceled', 'expired', 'rejected', 'refused', 'denied', 'failed']);
export type TradeOutcome = z.infer<typeof TradeOutcome>;

export const RebalanceLegResult = z
  .object({
    rebalanceId: z.string().min(1),
    batchIndex: z.number().int().nonnegative(),
    side: Side,
    trades: z.array(
      z
        .object({
          proposalId: z.string().min(1),
          symbol: tradingPair(),
          outcome: TradeOutcome,
          /** Base units filled (a canceled order may have filled part). */
          filledQuantity: NonNegativeStoredDecimal,
        })
        .strict(),
    ),
    skipped: z.array(z.object({ symbol: tradingPair(), reason: z.string().min(1) }).strict()),
  })
  .strict();
export type RebalanceLegResult = z.infer<typeof RebalanceLegResult>;
