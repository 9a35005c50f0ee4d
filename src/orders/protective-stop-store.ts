import { and, desc, eq, gte } from 'drizzle-orm';
import type { Db } from '../db/open-database.ts';
import { orders, type OrderRow } from '../db/schema/orders.ts';

/** The latest stop placed for `symbol` on `account` at or after `sinceMs` (the position's opening), if any. */
export async function lastStopSince(
  db: Db,
  account: string,
  symbol: string,
  sinceMs: number,
): Promise<OrderRow | undefined> {
  const [row] = await db
    .select()
    .from(orders)
    .where(
      and(
        eq(orders.exchange, account),
        eq(orders.symbol, symbol),
        eq(orders.purpose, 'stop_loss'),
        gte(orders.createdAt, new Date(sinceMs)),
      ),
    )
    .orderBy(desc(orders.createdAt), desc(orders.clientOrderId))
    .limit(1);
  return row;
}

/** How many stops `symbol` has had on `exchange`. */
export async function stopCountOf(db: Db, exchange: string, symbol: string): Promise<number> {
  return db.$count(
    orders,
    and(eq(orders.exchange, exchange), eq(orders.symbol, symbol), eq(orders.purpose, 'stop_loss')),
  );
}

/** The correlation id of the latest entry of `symbol` on `account`; undefined when there is none (or it has none). */
export async function entryCorrelationIdOf(db: Db, account: string, symbol: string): Promise<string | undefined> {
  const [entry] = await db
    .select({ correlationId: orders.correlationId })
    .from(orders)
    .where(and(eq(orders.exchange, account), eq(orders.symbol, symbol), eq(orders.purpose, 'entry')))
    .orderBy(desc(orders.createdAt))
    .limit(1);
  return entry?.correlationId ?? undefined;
}
