import { and, desc, eq, inArray } from 'drizzle-orm';
import { orders, type OrderRow } from '../db/schema/orders.ts';
import { reconcilableOrderStatuses } from '../model/order-status.ts';
import { describeError } from '../shared/triplegain-error.ts';
import { cancelAndSync, type ExitOrderDeps } from './exit-orders.ts';

/** The working (`reconcilableOrderStatuses`) stop-loss orders of a symbol on the deps' exchange, newest first. */
export function workingStopsOf(deps: Pick<ExitOrderDeps, 'db' | 'exchange'>, symbol: string): Promise<OrderRow[]> {
  return deps.db
    .select()
    .from(orders)
    .where(
      and(
        eq(orders.exchange, deps.exchange.name),
        eq(orders.symbol, symbol),
        eq(orders.purpose, 'stop_loss'),
        inArray(orders.status, [...reconcilableOrderStatuses]),
      ),
    )
    .orderBy(desc(orders.createdAt), desc(orders.clientOrderId));
}

/**
 * Cancels `stops` on the exchange (`cancelAndSync`: the state it reports, a fill included, is
 * recorded) and tells whether none of them works any more. A cancel that fails is logged; the
 * stop then still works and the answer is false.
 */
export async function cancelStops(deps: ExitOrderDeps, stops: readonly OrderRow[], why: string): Promise<boolean> {
  let none = true;
  for (const stop of stops) {
    await cancelAndSync(deps, stop, why).catch((err: unknown) =>
      deps.logger.error({ clientOrderId: stop.clientOrderId, err: describeError(err) }, 'stop not canceled'),
    );
    const [after] = await deps.db
      .select({ status: orders.status })
      .from(orders)
      .where(eq(orders.clientOrderId, stop.clientOrderId));
    if (after && reconcilableOrderStatuses.includes(after.status)) none = false;
  }
  return none;
}
