import { and, eq, inArray, lte } from 'drizzle-orm';
import type { Db } from '../db/open-database.ts';
import { orders } from '../db/schema/orders.ts';

/**
 * Whether a stop of `symbol` on `exchange` works (open or partially filled) and was created at
 * or before `sinceMs`: it rested on the exchange from then on.
 */
export async function stopRestedSince(db: Db, exchange: string, symbol: string, sinceMs: number): Promise<boolean> {
  const [resting] = await db
    .select({ id: orders.clientOrderId })
    .from(orders)
    .where(
      and(
        eq(orders.exchange, exchange),
        eq(orders.symbol, symbol),
        eq(orders.purpose, 'stop_loss'),
        inArray(orders.status, ['open', 'partially_filled']),
        lte(orders.createdAt, new Date(sinceMs)),
      ),
    )
    .limit(1);
  return resting !== undefined;
}
