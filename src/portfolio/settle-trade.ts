import type { OrderStatus } from '../model/order-status.ts';
import { assertNever } from '../shared/triplegain-error.ts';
import type { TradeOutcome } from './rebalance-leg-job.ts';

/** BullMQ's state of a job, or null when there is no such job (never added, or removed). */
type JobState = string | null;

/** What is known of one proposed trade, from the risk decision to the order. */
export interface TradeTrail {
  /** The stored risk decision; null before the risk job stored one. */
  decision: 'approved' | 'denied' | null;
  /** The risk job: its state, and its answer when it completed (a denial it could not store is only there). */
  riskJob: { state: JobState; decision: 'approved' | 'denied' | null };
  /** The order row (execution writes it before sending); null before. */
  order: { status: OrderStatus; filledQuantity: string } | null;
  executionJobState: JobState;
}

/** A trade still on its way (`pending`) or how it ended. */
export type TradeSettlement =
  | { status: 'pending' }
  | { status: 'settled'; outcome: TradeOutcome; filledQuantity: string };

const pending: TradeSettlement = { status: 'pending' };
const ended = (outcome: TradeOutcome, filledQuantity = '0'): TradeSettlement => ({
  status: 'settled',
  outcome,
  filledQuantity,
});

/**
 * Whether a proposed rebalance trade has settled, and how. Pure.
 *
 * Denied by risk (stored, or answered by a risk job that could not read its state) and
 * failed risk or execution jobs that left no order end the trade. With an order, the order's
 * status decides: a terminal status ends it; `created`, `submitting`, `open`,
 * `partially_filled` and `unknown` (reconciliation will find it) keep it pending.
 */
export function settleTrade(trail: TradeTrail): TradeSettlement {
  if (trail.decision === 'denied') return ended('denied');
  if (trail.decision === null) {
    if (trail.riskJob.state === 'failed') return ended('failed');
    if (trail.riskJob.state === 'completed' && trail.riskJob.decision === 'denied') return ended('denied');
    return pending;
  }
  if (trail.order === null) return trail.executionJobState === 'failed' ? ended('failed') : pending;
  const { status, filledQuantity } = trail.order;
  switch (status) {
    case 'filled':
      return ended('filled', filledQuantity);
    case 'canceled':
      return ended('canceled', filledQuantity);
    case 'expired':
      return ended('expired', filledQuantity);
    case 'rejected':
      return ended('rejected', filledQuantity);
    // The submission fence (PAUSED refuses entries, HALTED everything) kept it from the exchange.
    case 'denied':
      return ended('refused', filledQuantity);
    case 'created':
    case 'submitting':
    case 'open':
    case 'partially_filled':
    case 'unknown':
      return pending;
    default:
      return assertNever(status, 'order status');
  }
}
