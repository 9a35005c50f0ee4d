import { and, asc, eq, notInArray } from 'drizzle-orm';
import type { Db } from '../db/open-database.ts';
import { orders } from '../db/schema/orders.ts';
import { OrderPurpose } from '../model/order-purpose.ts';
import { terminalOrderStatuses, type OrderStatus } from '../model/order-status.ts';
import type { Side } from '../model/side.ts';

/** An order of one pair that is not final yet, as a strategy sees it. */
export interface WorkingOrder {
  side: Side;
  /** entry, exit, stop_loss, take_profit, rebalance, flatten or adopted. */
  purpose: OrderPurpose;
  status: OrderStatus;
  /** Base-asset units ordered, and filled so far. */
  quantity: string;
  filledQuantity: string;
  /** A stop's trigger, a limit order's price; null when the order has none. */
  triggerPrice: string | null;
  limitPrice: string | null;
}

/**
 * The orders of `symbol` on `exchange` that are not final (placed, resting, partly filled,
 * being sent or canceled), oldest first: an entry waiting for its fill, a resting stop, an
 * exit in flight.
 */
export async function workingOrdersOf(db: Db, exchange: string, symbol: string): Promise<WorkingOrder[]> {
  const rows = await db
    .select({
      side: orders.side,
      purpose: orders.purpose,
      status: orders.status,
      quantity: orders.quantity,
      filledQuantity: orders.filledQuantity,
      triggerPrice: orders.triggerPrice,
      limitPrice: orders.limitPrice,
    })
    .from(orders)
    .where(
      and(
        eq(orders.exchange, exchange),
        eq(orders.symbol, symbol),
        notInArray(orders.status, [...terminalOrderStatuses]),
      ),
    )
    .orderBy(asc(orders.createdAt), asc(orders.clientOrderId));
  return rows.map((row) => ({ ...row, purpose: OrderPurpose.parse(row.purpose) }));
}
