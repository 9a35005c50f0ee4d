import { and, eq, isNull } from 'drizzle-orm';
import type { Db } from '../db/open-database.ts';
import { orderReservations } from '../db/schema/order-reservations.ts';

/**
 * The approval holding the exit claim of position `positionId` (its unreleased exit
 * reservation; at most one, `order_reservations_one_exit_key`), or null when no approved exit
 * of it is in flight. Read it in the risk-state transaction, after the lock, so that an exit
 * approved a moment ago by another replica is seen.
 */
export async function exitClaimOf(db: Db, positionId: number): Promise<string | null> {
  const [row] = await db
    .select({ decisionId: orderReservations.decisionId })
    .from(orderReservations)
    .where(
      and(
        eq(orderReservations.positionId, positionId),
        eq(orderReservations.kind, 'exit'),
        isNull(orderReservations.releasedAt),
      ),
    );
  return row?.decisionId ?? null;
}
