import { asc, eq, isNull } from 'drizzle-orm';
import type { Db } from '../db/open-database.ts';
import { fills } from '../db/schema/fills.ts';
import { orders } from '../db/schema/orders.ts';
import { paperFills } from '../db/schema/paper-fills.ts';
import { paperOrders } from '../db/schema/paper-orders.ts';
import { Dec } from '../positions/position-decimal.ts';
import type { AuditViolation } from './audit-violation.ts';
import { PAPER_ONLY, type Invariant } from './invariant.ts';
import { toAuditRow } from './to-audit-row.ts';

const id = 'exchange_orders_recorded';

/**
 * Nothing the paper exchange did is lost on our side: every paper order has an `orders` row
 * with its client order id, and every paper fill is in our `fills`.
 *
 * A paper fill counts as recorded when `fills` holds its fill id, or when our fills of its
 * order add up to at least the paper order's cumulative filled quantity through this fill:
 * orders are brought to the exchange's state from its order totals, so the fills we record
 * carry derived ids (`<exchange order id>:<cumulative filled quantity>`, see
 * `eventsToMatchExchange`), and one of them may cover several paper fills.
 *
 * Between a paper fill and the sync of its order (the same bar's handling) a fill is not yet
 * recorded: audit a quiet system.
 */
export const exchangeOrdersRecorded: Invariant = {
  id,
  accounts: PAPER_ONLY,
  async check(db: Db): Promise<AuditViolation[]> {
    const violations: AuditViolation[] = [];

    const unrecorded = await db
      .select({
        exchange_order_id: paperOrders.exchangeOrderId,
        client_order_id: paperOrders.clientOrderId,
        symbol: paperOrders.symbol,
        side: paperOrders.side,
        type: paperOrders.type,
        quantity: paperOrders.quantity,
        filled_quantity: paperOrders.filledQuantity,
        status: paperOrders.status,
      })
      .from(paperOrders)
      .leftJoin(orders, eq(orders.clientOrderId, paperOrders.clientOrderId))
      .where(isNull(orders.clientOrderId))
      .orderBy(asc(paperOrders.openedAt), asc(paperOrders.exchangeOrderId));
    for (const o of unrecorded) {
      violations.push({
        invariant: id,
        message: `Paper order ${o.exchange_order_id} (${o.side} ${o.quantity} ${o.symbol}, ${o.status}) has no order of ours with its client order id ${o.client_order_id}: the system does not know it exists.`,
        rows: [toAuditRow(o)],
      });
    }

    const paper = await db
      .select({
        fill_id: paperFills.fillId,
        exchange_order_id: paperFills.exchangeOrderId,
        client_order_id: paperFills.clientOrderId,
        symbol: paperFills.symbol,
        side: paperFills.side,
        quantity: paperFills.quantity,
        price: paperFills.price,
        filled_at: paperFills.filledAt,
      })
      .from(paperFills)
      .orderBy(asc(paperFills.clientOrderId), asc(paperFills.barOpenTime), asc(paperFills.fillId));
    const ours = await db
      .select({ fillId: fills.fillId, clientOrderId: fills.clientOrderId, quantity: fills.quantity })
      .from(fills);
    const ourFillIds = new Set(ours.map((f) => f.fillId));
    const recordedByOrder = new Map<string, Dec>();
    for (const f of ours)
      recordedByOrder.set(f.clientOrderId, (recordedByOrder.get(f.clientOrderId) ?? new Dec(0)).plus(f.quantity));

    const paperFilledByOrder = new Map<string, Dec>();
    for (const f of paper) {
      const through = (paperFilledByOrder.get(f.client_order_id) ?? new Dec(0)).plus(f.quantity);
      paperFilledByOrder.set(f.client_order_id, through);
      const recorded = recordedByOrder.get(f.client_order_id) ?? new Dec(0);
      if (ourFillIds.has(f.fill_id) || recorded.gte(through)) continue;
      violations.push({
        invariant: id,
        message: `Paper fill ${f.fill_id} (${f.side} ${f.quantity} ${f.symbol} at ${f.price}) is missing from our fills: order ${f.client_order_id} filled ${through.toFixed()} on the paper exchange by then, we recorded ${recorded.toFixed()} in all.`,
        rows: [toAuditRow({ ...f, recorded_quantity: recorded.toFixed() })],
      });
    }
    return violations;
  },
};
