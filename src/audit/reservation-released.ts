import { and, asc, eq, inArray, isNull } from 'drizzle-orm';
import type { Db } from '../db/open-database.ts';
import { orderReservations } from '../db/schema/order-reservations.ts';
import { orders } from '../db/schema/orders.ts';
import { terminalOrderStatuses } from '../model/order-status.ts';
import type { AuditContext } from './audit-context.ts';
import type { AuditViolation } from './audit-violation.ts';
import { EVERY_ACCOUNT, type Invariant } from './invariant.ts';
import { toAuditRow } from './to-audit-row.ts';

const id = 'reservation_released';

/**
 * No reservation outlives its order: a reservation of the account still held (`released_at`
 * null) never belongs to an order in a terminal status (`terminalOrderStatuses`), whose
 * terminal event releases it in the same transaction. A held reservation keeps cash or a
 * position's quantity from every later approval.
 */
export const reservationReleased: Invariant = {
  id,
  accounts: EVERY_ACCOUNT,
  async check(db: Db, context: AuditContext): Promise<AuditViolation[]> {
    const held = await db
      .select({
        decision_id: orderReservations.decisionId,
        client_order_id: orderReservations.clientOrderId,
        symbol: orderReservations.symbol,
        kind: orderReservations.kind,
        amount: orderReservations.amount,
        position_id: orderReservations.positionId,
        order_status: orders.status,
        reserved_at: orderReservations.createdAt,
      })
      .from(orderReservations)
      .innerJoin(orders, eq(orders.clientOrderId, orderReservations.clientOrderId))
      .where(
        and(
          eq(orderReservations.account, context.account),
          isNull(orderReservations.releasedAt),
          inArray(orders.status, [...terminalOrderStatuses]),
        ),
      )
      .orderBy(asc(orderReservations.createdAt), asc(orderReservations.decisionId));
    return held.map((r) => ({
      invariant: id,
      message: `The ${r.kind} reservation of ${r.amount}${r.kind === 'cash' ? '' : ` of position ${r.position_id}`} for ${r.symbol} (approval ${r.decision_id}) is still held, but its order ${r.client_order_id} is ${r.order_status}: it blocks what later approvals may use.`,
      rows: [toAuditRow(r)],
    }));
  },
};
