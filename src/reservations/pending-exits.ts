import { Decimal } from '../model/decimal.ts';
import { and, eq, inArray, isNull, ne, notExists } from 'drizzle-orm';
import type { Db } from '../db/open-database.ts';
import { orderReservations } from '../db/schema/order-reservations.ts';
import { orders } from '../db/schema/orders.ts';
import { reconcilableOrderStatuses } from '../model/order-status.ts';

/** What is already on its way out of a position. */
export interface PendingExits {
  /** Base units that exits in flight will take: their unfilled quantity, or an approval's reserved quantity before its order exists. */
  quantity: Decimal;
  /** Whether any exit is in flight (an approved exit, or a working reduce-only order other than the stop). */
  inFlight: boolean;
}

/**
 * The exits in flight of the open position `positionId` (account and symbol): working
 * reduce-only orders other than its stop loss (closes, cuts, take profits, a halt's close-out,
 * approved exits once their order exists) and exit reservations whose order does not exist
 * yet. The stop is not an exit in flight: it is sized to what these leave
 * (`syncProtectiveStop`). `except` leaves out the order being placed now.
 */
export async function pendingExitsOf(
  db: Db,
  position: { id: number; account: string; symbol: string },
  except?: string,
): Promise<PendingExits> {
  // One after the other: `db` may be a transaction, one connection, which runs one query at a time.
  const working = await db
    .select({ clientOrderId: orders.clientOrderId, quantity: orders.quantity, filledQuantity: orders.filledQuantity })
    .from(orders)
    .where(
      and(
        eq(orders.exchange, position.account),
        eq(orders.symbol, position.symbol),
        eq(orders.reduceOnly, true),
        ne(orders.purpose, 'stop_loss'),
        inArray(orders.status, [...reconcilableOrderStatuses]),
      ),
    );
  const reserved = await db
    .select({ clientOrderId: orderReservations.clientOrderId, amount: orderReservations.amount })
    .from(orderReservations)
    .where(
      and(
        eq(orderReservations.positionId, position.id),
        eq(orderReservations.kind, 'exit'),
        isNull(orderReservations.releasedAt),
        notExists(
          db
            .select({ one: orders.clientOrderId })
            .from(orders)
            .where(eq(orders.clientOrderId, orderReservations.clientOrderId)),
        ),
      ),
    );
  const unfilled = [
    ...working.map((o) => ({
      clientOrderId: o.clientOrderId,
      quantity: new Decimal(o.quantity).minus(o.filledQuantity),
    })),
    ...reserved.map((r) => ({ clientOrderId: r.clientOrderId, quantity: new Decimal(r.amount) })),
  ].filter((e) => e.clientOrderId !== except);
  return { quantity: unfilled.reduce((sum, e) => sum.plus(e.quantity), new Decimal(0)), inFlight: unfilled.length > 0 };
}
