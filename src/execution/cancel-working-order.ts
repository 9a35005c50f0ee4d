import { appendSystemEvent } from '../db/append-system-event.ts';
import { findNamedOrder } from '../orders/find-named-order.ts';
import { loadOrder } from '../orders/order-reads.ts';
import { heldPositionOf } from '../positions/held-position.ts';
import { withPositionLock } from '../positions/with-position-lock.ts';
import type { CancelOrderData, CancelOrderResult } from '../queues/queue-catalog.ts';
import { TriplegainError } from '../shared/triplegain-error.ts';
import { cancelAndSync, type ExitOrderDeps } from './exit-orders.ts';

/** Statuses in which the exchange works an order, so that a cancel can reach it. */
const WORKING = new Set(['open', 'partially_filled']);

/**
 * An operator's cancel of one working order, as the execution task carries it out: found by
 * client or exchange order id; refused for the protective stop of an open position (the
 * position would be left without one; `trade close` takes the position and its stop away
 * together); nothing sent for an order the exchange does not work (its status says why);
 * otherwise canceled on the exchange as the only changer of that symbol's orders
 * (`withPositionLock`) and the state the exchange reports recorded (`cancelAndSync`: a fill
 * that beat the cancel is recorded as a fill). The request is logged in `system_events`.
 *
 * @throws the exchange's error, or `EXCHANGE_UNAVAILABLE`, when the order still works after
 *   the cancel (the job tries again).
 */
export async function cancelWorkingOrder(deps: ExitOrderDeps, request: CancelOrderData): Promise<CancelOrderResult> {
  const found = await findNamedOrder(deps, request.order);
  if (!found)
    return {
      status: 'not_found',
      clientOrderId: null,
      exchangeOrderId: null,
      orderStatus: null,
      message: `no order on ${deps.exchange.name} has the client or exchange order id ${request.order}`,
    };
  const ids = { clientOrderId: found.clientOrderId, exchangeOrderId: found.exchangeOrderId };

  return withPositionLock(deps.db, deps.exchange.name, found.symbol, async () => {
    const order = (await loadOrder(deps.db, found.clientOrderId)) ?? found;
    if (!WORKING.has(order.status) || !order.exchangeOrderId) {
      return {
        status: 'not_working',
        ...ids,
        orderStatus: order.status,
        message: `order ${order.clientOrderId} is ${order.status}: nothing to cancel`,
      };
    }
    if (order.purpose === 'stop_loss' && (await heldPositionOf(deps.db, deps.exchange.name, order.symbol))) {
      return {
        status: 'refused',
        ...ids,
        orderStatus: order.status,
        message: `order ${order.clientOrderId} is the protective stop of the open ${order.symbol} position: canceled, it would leave the position unprotected (the engine would place it again); close the position instead (triplegain trade close ${order.symbol})`,
      };
    }
    await cancelAndSync(deps, order, 'asked by an operator');
    // Read back as recorded: the exchange's answer, a fill that beat the cancel included.
    const after = (await loadOrder(deps.db, order.clientOrderId)) ?? order;
    await appendSystemEvent(deps.db, {
      type: 'order.cancel_requested',
      severity: 'info',
      source: 'execution',
      correlationId: order.correlationId,
      message: `order ${order.clientOrderId} (${order.side} ${order.type} ${order.quantity} ${order.symbol}) canceled at the request of ${request.requestedBy}: now ${after.status}`,
      details: {
        clientOrderId: order.clientOrderId,
        exchangeOrderId: order.exchangeOrderId,
        requestedBy: request.requestedBy,
        status: after.status,
      },
    });
    deps.logger.warn(
      { clientOrderId: order.clientOrderId, requestedBy: request.requestedBy, status: after.status },
      'order canceled by an operator',
    );
    if (after.status === 'filled')
      return {
        status: 'filled',
        ...ids,
        orderStatus: after.status,
        message: `order ${order.clientOrderId} filled before the cancel landed`,
      };
    // The exchange still reports it working: not canceled; the job tries again.
    if (WORKING.has(after.status))
      throw new TriplegainError(
        'EXCHANGE_UNAVAILABLE',
        `order ${order.clientOrderId} is still ${after.status} on ${deps.exchange.name} after the cancel`,
        { clientOrderId: order.clientOrderId },
      );
    return {
      status: 'canceled',
      ...ids,
      orderStatus: after.status,
      message: `order ${order.clientOrderId} is ${after.status}`,
    };
  });
}
