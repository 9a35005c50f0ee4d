import { and, eq, inArray } from 'drizzle-orm';
import type { Db } from '../db/open-database.ts';
import { orders } from '../db/schema/orders.ts';
import { applyOrderEvent } from '../orders/order-store.ts';

/**
 * Closes the reduce-only orders of a position that were recorded but never sent: rows still
 * `created` (a process died between writing the row and sending it, or reconciliation found
 * that the exchange never got it and put it back). Call it holding the position's lock: every
 * reduce-only order of a position is placed under that lock, so a `created` one seen there is
 * nobody's any more. Left alone it would count as working for ever (a stop never replaced, an
 * exit in flight that never fills, an exit claim never released); recorded `denied`, its
 * reservation is released and the stop or exit is placed anew. Orders `submitting` or
 * `unknown` may be on the exchange and stay for reconciliation.
 *
 * @returns the client order ids closed.
 */
export async function abandonUnsentOrders(db: Db, exchange: string, symbol: string, atMs: number): Promise<string[]> {
  const unsent = await db
    .select({ clientOrderId: orders.clientOrderId })
    .from(orders)
    .where(
      and(
        eq(orders.exchange, exchange),
        eq(orders.symbol, symbol),
        eq(orders.reduceOnly, true),
        inArray(orders.status, ['created']),
      ),
    );
  for (const { clientOrderId } of unsent) {
    await applyOrderEvent(db, clientOrderId, {
      kind: 'denied',
      reason: 'never sent: abandoned before it reached the exchange, placed anew',
      occurredAtMs: atMs,
    });
  }
  return unsent.map((o) => o.clientOrderId);
}
