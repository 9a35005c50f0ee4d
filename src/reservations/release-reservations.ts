import { and, eq, isNull, sql } from 'drizzle-orm';
import type { Db } from '../db/open-database.ts';
import { orderReservations } from '../db/schema/order-reservations.ts';

/**
 * Releases what the approval behind `clientOrderId` held, in the caller's transaction: the
 * order store calls it in the same transaction as the order's terminal event, so no
 * reservation outlives its order. Stamped with the database's wall clock
 * (`clock_timestamp()`), which the risk engine compares with when it read the balances.
 */
export async function releaseReservationsOf(tx: Db, clientOrderId: string, reason: string): Promise<void> {
  await tx
    .update(orderReservations)
    .set({ releasedAt: sql`clock_timestamp()`, releaseReason: reason })
    .where(and(eq(orderReservations.clientOrderId, clientOrderId), isNull(orderReservations.releasedAt)));
}
