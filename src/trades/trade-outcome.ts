import { z } from 'zod';
import { RiskVerdict } from '../model/risk-verdict.ts';
import { CancelOrderResult } from '../queues/queue-catalog.ts';
import { OrderProposal } from '../risk/order-proposal.ts';
import { RiskAdjustment } from '../model/risk-adjustment.ts';
import { DecimalString } from '../model/decimal-string.ts';

/**
 * Where an operator's request stands when the answer is made:
 * - `pending`: queued, and its outcome was not known within the wait (or no wait was asked);
 *   `waitingFor` says which step it stood at;
 * - `denied`: the risk engine said no (`risk.reasons`);
 * - `placed`: the order went to the exchange (`order.status`: open, filled…);
 * - `refused`: execution did not send it (the trading-state fence, an approval gone stale,
 *   nothing left to exit), or a cancel was refused (`cancel.message`);
 * - `rejected`: the exchange refused the order;
 * - `failed`: a job failed for good (`summary` says why);
 * - `canceled`: the order no longer works on the exchange;
 * - `not_canceled`: there was nothing to cancel (the order was not working, or filled first).
 */
export const TradeOutcomeStatus = z.enum([
  'pending',
  'denied',
  'placed',
  'refused',
  'rejected',
  'failed',
  'canceled',
  'not_canceled',
]);
export type TradeOutcomeStatus = z.infer<typeof TradeOutcomeStatus>;

/** The risk engine's decision on the request's proposal. */
export const TradeRisk = z
  .object({
    decision: RiskVerdict,
    decisionId: z.string(),
    /** Approved notional (quote asset) and quantity (base units); null on a denial. */
    notionalUsd: DecimalString.nullable(),
    quantity: DecimalString.nullable(),
    /** Every reason of a denial, in rule order. */
    reasons: z.array(z.object({ rule: z.string(), message: z.string() }).strict()),
    /** Caps that shrank an approval, largest first. */
    adjustments: z.array(RiskAdjustment),
  })
  .strict();
export type TradeRisk = z.infer<typeof TradeRisk>;

/** The order that carries out an approval, as recorded when the answer was made. */
export const TradeOrder = z
  .object({
    clientOrderId: z.string(),
    exchangeOrderId: z.string().nullable(),
    side: z.string(),
    type: z.string(),
    /** `OrderStatus`: open, partially_filled, filled, denied, rejected, unknown… */
    status: z.string(),
    quantity: DecimalString,
    filledQuantity: DecimalString,
    avgFillPrice: DecimalString.nullable(),
    reduceOnly: z.boolean(),
  })
  .strict();
export type TradeOrder = z.infer<typeof TradeOrder>;

/** The answer to `trade open|close|cancel`, on the terminal (rendered) and from the control API (as is). */
export const TradeOutcome = z
  .object({
    action: z.enum(['open', 'close', 'cancel']),
    status: TradeOutcomeStatus,
    /** One sentence for a person: what happened, or what it waits for. */
    summary: z.string().min(1),
    requestedBy: z.string(),
    /** The request's id: the same id sent again names the same trade (decided once). */
    requestId: z.string(),
    symbol: z.string().nullable(),
    /** `triplegain explain <proposalId>` shows its whole chain; null for a cancel. */
    proposalId: z.string().nullable(),
    proposal: OrderProposal.nullable(),
    risk: TradeRisk.nullable(),
    order: TradeOrder.nullable(),
    cancel: CancelOrderResult.nullable(),
    /** With `pending`: the step it stood at (`risk`, `execution`, `cancel`) and that job's state. */
    waitingFor: z
      .object({ step: z.enum(['risk', 'execution', 'cancel']), jobId: z.string(), jobState: z.string() })
      .strict()
      .nullable(),
  })
  .strict();
export type TradeOutcome = z.infer<typeof TradeOutcome>;
