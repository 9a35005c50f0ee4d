import { and, asc, eq, isNotNull, isNull, sql } from 'drizzle-orm';
import type { Db } from '../db/open-database.ts';
import { fills } from '../db/schema/fills.ts';
import { orders } from '../db/schema/orders.ts';
import { positionFills } from '../db/schema/position-fills.ts';
import { positions } from '../db/schema/positions.ts';
import type { AuditContext } from './audit-context.ts';
import type { AuditViolation } from './audit-violation.ts';
import { EVERY_ACCOUNT, type Invariant } from './invariant.ts';
import { toAuditRow } from './to-audit-row.ts';

const id = 'fill_applied_once';

/**
 * Every fill is taken into positions exactly once: each fill of the account's orders has one
 * `position_fills` row (naming its position, or none for a rebalance's fill), and no
 * `position_fills` row names a fill, or a position, that does not exist. A fill recorded in
 * the same bar's handling is taken in right after: audit a quiet system.
 */
export const fillAppliedOnce: Invariant = {
  id,
  accounts: EVERY_ACCOUNT,
  async check(db: Db, context: AuditContext): Promise<AuditViolation[]> {
    const violations: AuditViolation[] = [];
    const counted = await db
      .select({
        fill_id: fills.fillId,
        client_order_id: fills.clientOrderId,
        purpose: orders.purpose,
        symbol: fills.symbol,
        side: fills.side,
        quantity: fills.quantity,
        price: fills.price,
        filled_at: fills.filledAt,
        taken_in: sql<number>`count(${positionFills.fillId})::int`,
      })
      .from(fills)
      .innerJoin(orders, eq(orders.clientOrderId, fills.clientOrderId))
      .leftJoin(positionFills, eq(positionFills.fillId, fills.fillId))
      .where(eq(orders.exchange, context.account))
      .groupBy(
        fills.fillId,
        fills.clientOrderId,
        orders.purpose,
        fills.symbol,
        fills.side,
        fills.quantity,
        fills.price,
        fills.filledAt,
      )
      .having(sql`count(${positionFills.fillId}) <> 1`)
      .orderBy(asc(fills.filledAt), asc(fills.fillId));
    for (const f of counted) {
      const what = `Fill ${f.fill_id} (${f.side} ${f.quantity} ${f.symbol} at ${f.price}, ${f.purpose} order ${f.client_order_id})`;
      const message =
        f.taken_in === 0
          ? `${what} has not been taken into positions: its position does not show it.`
          : `${what} was taken into positions ${f.taken_in} times: its position counts it more than once.`;
      violations.push({ invariant: id, message, rows: [toAuditRow(f)] });
    }

    const orphans = await db
      .select({
        fill_id: positionFills.fillId,
        position_id: positionFills.positionId,
        realized_pnl_usd: positionFills.realizedPnlUsd,
        applied_at: positionFills.appliedAt,
      })
      .from(positionFills)
      .leftJoin(fills, eq(fills.fillId, positionFills.fillId))
      .where(isNull(fills.fillId))
      .orderBy(asc(positionFills.appliedAt), asc(positionFills.fillId));
    for (const o of orphans) {
      violations.push({
        invariant: id,
        message: `Position fill ${o.fill_id}${o.position_id === null ? '' : ` (position ${o.position_id})`} names a fill that does not exist: a position took in something that never traded.`,
        rows: [toAuditRow(o)],
      });
    }

    const homeless = await db
      .select({
        fill_id: positionFills.fillId,
        position_id: positionFills.positionId,
        realized_pnl_usd: positionFills.realizedPnlUsd,
        applied_at: positionFills.appliedAt,
      })
      .from(positionFills)
      .innerJoin(fills, eq(fills.fillId, positionFills.fillId))
      .innerJoin(orders, and(eq(orders.clientOrderId, fills.clientOrderId), eq(orders.exchange, context.account)))
      .leftJoin(positions, eq(positions.id, positionFills.positionId))
      .where(and(isNotNull(positionFills.positionId), isNull(positions.id)))
      .orderBy(asc(positionFills.appliedAt), asc(positionFills.fillId));
    for (const h of homeless) {
      violations.push({
        invariant: id,
        message: `Fill ${h.fill_id} was taken into position ${h.position_id}, which does not exist.`,
        rows: [toAuditRow(h)],
      });
    }
    return violations;
  },
};
