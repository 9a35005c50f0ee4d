import { and, asc, eq, inArray } from 'drizzle-orm';
import type { Db } from '../db/open-database.ts';
import { fills, type FillRow } from '../db/schema/fills.ts';
import { orderEvents, type OrderEventRow } from '../db/schema/order-events.ts';
import { orders, type OrderRow } from '../db/schema/orders.ts';
import type { ExchangeName } from '../model/exchange-name.ts';
import { reconcilableOrderStatuses } from '../model/order-status.ts';

/** The order with this client order id, or null. */
export async function loadOrder(db: Db, clientOrderId: string): Promise<OrderRow | null> {
  const [row] = await db.select().from(orders).where(eq(orders.clientOrderId, clientOrderId));
  return row ?? null;
}

/** The order's events, oldest first. */
export async function loadOrderEvents(db: Db, clientOrderId: string): Promise<OrderEventRow[]> {
  return db.select().from(orderEvents).where(eq(orderEvents.clientOrderId, clientOrderId)).orderBy(asc(orderEvents.id));
}

/** The order's fills, oldest first. */
export async function loadOrderFills(db: Db, clientOrderId: string): Promise<FillRow[]> {
  return db
    .select()
    .from(fills)
    .where(eq(fills.clientOrderId, clientOrderId))
    .orderBy(asc(fills.filledAt), asc(fills.fillId));
}

/**
 * The orders reconciliation must look up on the exchange, oldest first: not yet sent or
 * proven unsent (`created`), in flight (`submitting`, `unknown`) or working (`open`,
 * `partially_filled`). Optionally of one exchange only.
 */
export async function ordersToReconcile(db: Db, exchange?: ExchangeName): Promise<OrderRow[]> {
  const inFlight = inArray(orders.status, [...reconcilableOrderStatuses]);
  return db
    .select()
    .from(orders)
    .where(exchange ? and(inFlight, eq(orders.exchange, exchange)) : inFlight)
    .orderBy(asc(orders.createdAt), asc(orders.clientOrderId));
}
