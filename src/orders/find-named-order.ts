import { and, eq, or } from 'drizzle-orm';
import type { Db } from '../db/open-database.ts';
import { orders, type OrderRow } from '../db/schema/orders.ts';

/**
 * Finds the order an operator names, by client order id or, failing that, exchange order id
 * on the deps' exchange. Null when neither matches.
 */
export async function findNamedOrder(
  deps: { db: Db; exchange: { name: string } },
  id: string,
): Promise<OrderRow | null> {
  const rows = await deps.db
    .select()
    .from(orders)
    .where(
      and(eq(orders.exchange, deps.exchange.name), or(eq(orders.clientOrderId, id), eq(orders.exchangeOrderId, id))),
    );
  return rows.find((o) => o.clientOrderId === id) ?? rows[0] ?? null;
}
