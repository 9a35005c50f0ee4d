import type { Bus } from '../bus/bus.ts';
import type { Subscription } from '../bus/subscription.ts';
import { ordersToReconcile } from '../orders/order-reads.ts';
import { applyTradingStateEvent } from '../risk/apply-trading-state-event.ts';
import { loadOpenPositions } from '../positions/position-store.ts';
import { cancelAndSync, type ExitOrderDeps } from './exit-orders.ts';
import { exitPosition } from './exit-position.ts';
import { describeError, TriplegainError } from '../shared/triplegain-error.ts';

export const HALT_ACTIONS_SERVICE = 'halt-actions';

export interface HaltActionsDeps extends ExitOrderDeps {
  bus: Bus;
}

/**
 * Carries out what a halt asked for (a consumer group on `system_events`, in every worker):
 * the account's risk state becomes HALTED (until a reset); `--cancel-orders` cancels every open order on the exchange, resting stop losses included
 * (without it they stay, protecting the positions); `--flatten` (and a drawdown breaker's
 * `halt_and_close`) cancels the protective orders and closes every open position at market:
 * these close-outs are the only orders the HALTED state admits. Order ids are derived from
 * the halt's version, so a redelivered message closes nothing twice.
 */
export async function startHaltActions(deps: HaltActionsDeps): Promise<Subscription<'system_events'>> {
  return deps.bus.subscribe({
    topic: 'system_events',
    service: HALT_ACTIONS_SERVICE,
    types: ['coordinator.state_changed'],
    handler: async (message) => {
      const p = message.payload;
      if (p.to !== 'HALTED') return;
      // The account's risk state follows the kill switch: HALTED until a reset (which the risk
      // engine applies to it), and `status` shows it.
      await applyTradingStateEvent(deps, 'halt', (current) => current !== 'HALTED');
      if (!p.cancelOrders && !p.flatten) return;
      await carryOutHalt(deps, {
        version: p.version,
        cancelOrders: p.cancelOrders,
        flatten: p.flatten,
        correlationId: message.correlationId,
      });
    },
  });
}

export async function carryOutHalt(
  deps: HaltActionsDeps,
  halt: { version: number; cancelOrders: boolean; flatten: boolean; correlationId: string },
): Promise<{ canceled: string[]; closing: string[] }> {
  const canceled: string[] = [];
  const working = (await ordersToReconcile(deps.db, deps.exchange.name)).filter(
    (o) => (o.status === 'open' || o.status === 'partially_filled') && o.exchangeOrderId,
  );
  for (const order of working) {
    const protective = order.intent === 'protective';
    if (!halt.cancelOrders && !(halt.flatten && protective)) continue;
    try {
      await cancelAndSync(deps, order, 'the halt cancels working orders');
      canceled.push(order.clientOrderId);
    } catch (err) {
      deps.logger.error({ clientOrderId: order.clientOrderId, err: describeError(err) }, 'halt: order not canceled');
    }
  }
  const closing: string[] = [];
  const failed: string[] = [];
  if (halt.flatten) {
    for (const position of await loadOpenPositions(deps.db, deps.exchange.name)) {
      // One position that cannot be closed now does not keep the others open.
      const outcome = await exitPosition(deps, {
        symbol: position.symbol,
        key: `halt-${halt.version}-${position.symbol}`,
        purpose: 'flatten',
        cause: 'halt',
        fenceIntent: 'flatten',
        correlationId: halt.correlationId,
      }).catch((err: unknown) => {
        failed.push(position.symbol);
        deps.logger.error({ symbol: position.symbol, err: describeError(err) }, 'halt: position not closed');
        return null;
      });
      if (outcome) closing.push(outcome.order.clientOrderId);
    }
  }
  deps.logger.warn({ canceled, closing }, 'halt carried out');
  // Redelivered (the ids are the halt's), the close-out is tried again for what failed.
  if (failed.length > 0)
    throw new TriplegainError('EXCHANGE_UNAVAILABLE', `halt: ${failed.join(', ')} not closed; retried`, { failed });
  return { canceled, closing };
}
