import type { Db } from '../db/open-database.ts';
import type { RiskDecisionRow } from '../db/schema/risk-decisions.ts';
import type { OrderRow } from '../db/schema/orders.ts';
import type { ExchangeName } from '../model/exchange-name.ts';
import { applyOrderEvent, createOrder } from '../orders/order-store.ts';
import { OrderProposal } from '../risk/order-proposal.ts';
import { approvedOrderRequest } from './approved-order-request.ts';

/**
 * Records why an approval never became an order sent: its order row, under the client order id
 * execution would have used, written `denied` with `reason`. The denial releases what the
 * approval reserved (cash, the position's exit claim), and the row claims the id, so a late or
 * retried execution job finds it and sends nothing. An approval whose order already exists is
 * left as it is.
 *
 * @returns the order row, denied now or found as it was.
 */
export async function recordUnexecutedApproval(
  db: Db,
  args: { approval: RiskDecisionRow & { quantity: string }; exchange: ExchangeName; reason: string; atMs: number },
): Promise<OrderRow> {
  const request = approvedOrderRequest(args.approval, OrderProposal.parse(args.approval.proposal));
  const { order } = await createOrder(db, { ...request, exchange: args.exchange, createdAtMs: args.atMs });
  if (order.status !== 'created') return order;
  return (
    await applyOrderEvent(db, order.clientOrderId, { kind: 'denied', reason: args.reason, occurredAtMs: args.atMs })
  ).order;
}
