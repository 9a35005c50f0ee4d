import { asc, eq } from 'drizzle-orm';
import type { Db } from '../db/open-database.ts';
import { orders } from '../db/schema/orders.ts';
import { riskDecisions } from '../db/schema/risk-decisions.ts';
import { automaticOrderCauses, OrderCause } from '../model/order-cause.ts';
import { Dec } from '../positions/position-decimal.ts';
import type { AuditContext } from './audit-context.ts';
import type { AuditViolation } from './audit-violation.ts';
import { EVERY_ACCOUNT, type Invariant } from './invariant.ts';
import { toAuditRow } from './to-audit-row.ts';

const id = 'order_has_cause';

/** An order of the account with the decision its `decision_id` names (null fields when it names none, or none exists). */
export interface OrderWithDecision {
  client_order_id: string;
  symbol: string;
  side: string;
  purpose: string;
  cause: string;
  quantity: string;
  status: string;
  decision_id: string | null;
  decision: string | null;
  approved_quantity: string | null;
}

/**
 * Every order of the account exists for a reason: it carries out an approval (cause
 * `approval`, its `decision_id` names an `approved` risk decision, and it orders no more than
 * the approved quantity), or it was placed by one of the automatic actions that need none
 * (`automaticOrderCauses`: stop, take_profit, watch, breaker, halt, operator, adopted).
 */
export const orderHasCause: Invariant = {
  id,
  accounts: EVERY_ACCOUNT,
  async check(db: Db, context: AuditContext): Promise<AuditViolation[]> {
    const rows = await db
      .select({
        client_order_id: orders.clientOrderId,
        symbol: orders.symbol,
        side: orders.side,
        purpose: orders.purpose,
        cause: orders.cause,
        quantity: orders.quantity,
        status: orders.status,
        decision_id: orders.decisionId,
        decision: riskDecisions.decision,
        approved_quantity: riskDecisions.quantity,
      })
      .from(orders)
      .leftJoin(riskDecisions, eq(riskDecisions.decisionId, orders.decisionId))
      .where(eq(orders.exchange, context.account))
      .orderBy(asc(orders.createdAt), asc(orders.clientOrderId));
    return rows.flatMap((row) => {
      const problem = missingCause(row);
      return problem ? [{ invariant: id, message: problem, rows: [toAuditRow({ ...row })] }] : [];
    });
  },
};

/** What is wrong with the order's cause, in a sentence, or null when it has one. Pure. */
export function missingCause(o: OrderWithDecision): string | null {
  const order = `Order ${o.client_order_id} (${o.purpose} ${o.side} ${o.quantity} ${o.symbol}, ${o.status})`;
  const cause = OrderCause.safeParse(o.cause);
  if (!cause.success) return `${order} has the unknown cause "${o.cause}": nothing says why it exists.`;
  if (automaticOrderCauses.includes(cause.data)) return null;
  if (o.decision_id === null) return `${order} claims an approval but names no risk decision.`;
  if (o.decision === null) return `${order} claims approval ${o.decision_id}, which the risk decisions do not hold.`;
  if (o.decision !== 'approved')
    return `${order} carries out risk decision ${o.decision_id}, which was ${o.decision}, not approved.`;
  if (o.approved_quantity === null)
    return `${order} carries out approval ${o.decision_id}, which approved no quantity.`;
  if (new Dec(o.quantity).gt(o.approved_quantity))
    return `${order} orders more than the ${o.approved_quantity} its approval ${o.decision_id} allowed.`;
  return null;
}
