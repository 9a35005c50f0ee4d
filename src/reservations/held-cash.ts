import { Decimal } from '../model/decimal.ts';
import { and, eq, gte, isNull, or } from 'drizzle-orm';
import type { Db } from '../db/open-database.ts';
import { orderReservations } from '../db/schema/order-reservations.ts';

/**
 * Cash that spot-buy approvals hold against balances read at `balancesReadAt` (the database's
 * wall clock when the read began): every cash reservation not yet released, and every one
 * released since then (its fill may be missing from the balance that was read, so it still
 * counts: never less than what is really spent). A held reservation counts its whole amount
 * until its order is done, partial fills included: a fill after the read is in no balance yet.
 * Read it in the risk-state transaction, after the lock, so an approval committed by another
 * replica a moment ago is seen.
 */
export async function heldCashUsd(tx: Db, account: string, balancesReadAt: Date): Promise<Decimal> {
  const rows = await tx
    .select({ amount: orderReservations.amount })
    .from(orderReservations)
    .where(
      and(
        eq(orderReservations.account, account),
        eq(orderReservations.kind, 'cash'),
        or(isNull(orderReservations.releasedAt), gte(orderReservations.releasedAt, balancesReadAt)),
      ),
    );
  return rows.reduce((sum, r) => sum.plus(r.amount), new Decimal(0));
}
