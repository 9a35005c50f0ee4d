import { and, eq } from 'drizzle-orm';
import type { Db } from '../db/open-database.ts';
import { orders, type OrderRow } from '../db/schema/orders.ts';

/** The entry order placed for `proposalId`, or null when none is recorded. */
export async function entryOrderOf(db: Db, proposalId: string): Promise<OrderRow | null> {
  const entry = await db
    .select()
    .from(orders)
    .where(and(eq(orders.proposalId, proposalId), eq(orders.purpose, 'entry')));
  return entry[0] ?? null;
}
