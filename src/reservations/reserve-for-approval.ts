import { sql } from 'drizzle-orm';
import type { Db } from '../db/open-database.ts';
import { orderReservations, type ReservationKind } from '../db/schema/order-reservations.ts';

/** What one approval holds until its order is done. */
export interface Reservation {
  decisionId: string;
  clientOrderId: string;
  account: string;
  symbol: string;
  kind: ReservationKind;
  /** cash: notional in the cash asset; exit: base quantity. Decimal string > 0. */
  amount: string;
  /** The position an exit reduces; null for cash. */
  positionId: number | null;
}

/**
 * Stores the reservation of an approval, in the risk-state transaction that stores the
 * approval. An exit takes its position's one exit claim (`order_reservations_one_exit_key`):
 * when another unreleased exit holds it, nothing is stored and the answer is false (the
 * caller denies the exit, `exit_in_flight`). The risk worker checks the claim before it
 * decides; the index is the backstop for a writer that did not.
 *
 * @returns true when stored; false when the position's exit claim is held by another exit.
 */
export async function reserveForApproval(tx: Db, reservation: Reservation): Promise<boolean> {
  if (reservation.kind === 'cash') {
    await tx.insert(orderReservations).values(reservation);
    return true;
  }
  const stored = await tx
    .insert(orderReservations)
    .values(reservation)
    .onConflictDoNothing({
      target: orderReservations.positionId,
      where: sql`${orderReservations.kind} = 'exit' AND ${orderReservations.releasedAt} IS NULL`,
    })
    .returning({ decisionId: orderReservations.decisionId });
  return stored.length > 0;
}
