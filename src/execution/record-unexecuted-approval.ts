import type { Db } from '../db/open-database.ts';
import type { RiskDecisionRow } from '../db/schema/risk-decisions.ts';
import type { OrderRow } from '../db/schema/orders.ts';
import { approvedClientOrderId, approvedOrderPurpose } from '../orders/approved-order.ts';
import type { ExchangeName } from '../orders/new-order.ts';
import { applyOrderEvent, createOrder } from '../orders/order-store.ts';
import { OrderProposal } from '../risk/order-proposal.ts';

/**
 * Records why an approval never became an order sent: its order row, under the client order id
 * execution would have used, written `denied` with `reason`. The denial releases what the
 * approval reserved (cash, the position's exit claim), and the row claims the id, so a late or
 * retried execution job finds it and sends nothing. An approval whose order already exists is
 * left as it is.
 *
 * @returns the order row, denied now or found as it was.
 */
export async function recordUnexecutedApproval(db: Db, args: { approval: RiskDecisionRow & { quantity: string }; exchange: ExchangeName; reason: string; atMs: number }): Promise<OrderRow> {
  const proposal = OrderProposal.parse(args.approval.proposal);
  const purpose = approvedOrderPurpose(proposal);
  const { order } = await createOrder(db, {
    clientOrderId: approvedClientOrderId(proposal),
    decisionId: args.approval.decisionId,
    proposalId: proposal.proposalId,
    correlationId: proposal.correlationId,
    symbol: proposal.symbol,
    side: proposal.side,
    type: 'market',
    intent: proposal.intent,
    purpose,
    cause: 'approval',
    quantity: args.approval.quantity,
    leverage: proposal.leverage,
    reduceOnly: purpose !== 'entry' && purpose !== 'rebalance',
    exchange: args.exchange,
    createdAtMs: args.atMs,
  });
  if (order.status !== 'created') return order;
  return (await applyOrderEvent(db, order.clientOrderId, { kind: 'denied', reason: args.reason, occurredAtMs: args.atMs })).order;
}
