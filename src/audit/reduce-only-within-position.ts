import { and, asc, eq, inArray } from 'drizzle-orm';
import type { Db } from '../db/open-database.ts';
import { orders } from '../db/schema/orders.ts';
import { positions } from '../db/schema/positions.ts';
import { reconcilableOrderStatuses } from '../model/order-status.ts';
import { Dec } from '../positions/position-decimal.ts';
import type { AuditContext } from './audit-context.ts';
import type { AuditViolation } from './audit-violation.ts';
import { EVERY_ACCOUNT, type Invariant } from './invariant.ts';
import { toAuditRow } from './to-audit-row.ts';

const id = 'reduce_only_within_position';

/**
 * Reduce-only orders never exceed what they reduce: for every open position of the account,
 * the unfilled quantity (quantity − filled) of the working (`reconcilableOrderStatuses`:
 * created, submitting, unknown, open, partially_filled) reduce-only orders of its symbol —
 * stop, take profit, closes, cuts together — is at most the position's quantity; and no
 * working reduce-only order exists for a symbol without an open position.
 */
export const reduceOnlyWithinPosition: Invariant = {
  id,
  accounts: EVERY_ACCOUNT,
  async check(db: Db, context: AuditContext): Promise<AuditViolation[]> {
    const working = await db
      .select({
        client_order_id: orders.clientOrderId,
        symbol: orders.symbol,
        side: orders.side,
        purpose: orders.purpose,
        status: orders.status,
        quantity: orders.quantity,
        filled_quantity: orders.filledQuantity,
      })
      .from(orders)
      .where(
        and(
          eq(orders.exchange, context.account),
          eq(orders.reduceOnly, true),
          inArray(orders.status, [...reconcilableOrderStatuses]),
        ),
      )
      .orderBy(asc(orders.symbol), asc(orders.createdAt), asc(orders.clientOrderId));
    const open = await db
      .select({
        position_id: positions.id,
        symbol: positions.symbol,
        side: positions.side,
        quantity: positions.quantity,
      })
      .from(positions)
      .where(and(eq(positions.account, context.account), eq(positions.status, 'open')));
    const positionOf = new Map(open.map((p) => [p.symbol, p]));

    const violations: AuditViolation[] = [];
    for (const symbol of [...new Set(working.map((o) => o.symbol))]) {
      const reducing = working.filter((o) => o.symbol === symbol);
      const remaining = reducing.reduce((sum, o) => sum.plus(new Dec(o.quantity).minus(o.filled_quantity)), new Dec(0));
      const orderRows = reducing.map((o) =>
        toAuditRow({ ...o, remaining_quantity: new Dec(o.quantity).minus(o.filled_quantity).toFixed() }),
      );
      const position = positionOf.get(symbol);
      if (!position) {
        violations.push({
          invariant: id,
          message: `${reducing.length} working reduce-only order${reducing.length === 1 ? '' : 's'} of ${symbol} (${remaining.toFixed()} unfilled) on ${context.account} reduce no open position: there is none.`,
          rows: orderRows,
        });
      } else if (remaining.gt(position.quantity)) {
        violations.push({
          invariant: id,
          message: `Working reduce-only orders of ${symbol} on ${context.account} would take ${remaining.toFixed()} out of a ${position.side} position of ${position.quantity} (position ${position.position_id}): together they exceed it.`,
          rows: [toAuditRow(position), ...orderRows],
        });
      }
    }
    return violations;
  },
};
