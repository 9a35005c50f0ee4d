import { inArray } from 'drizzle-orm';
import type { Db } from '../db/open-database.ts';
import { orders } from '../db/schema/orders.ts';

/** Which of `clientOrderIds` have a row here. */
export async function recordedClientOrderIds(db: Db, clientOrderIds: readonly string[]): Promise<Set<string>> {
  if (clientOrderIds.length === 0) return new Set();
  const rows = await db
    .select({ clientOrderId: orders.clientOrderId })
    .from(orders)
    .where(inArray(orders.clientOrderId, [...clientOrderIds]));
  return new Set(rows.map((r) => r.clientOrderId));
}
