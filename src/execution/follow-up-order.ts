import { setTimeout as delay } from 'node:timers/promises';
import type { ExchangeOrder, ExchangePort } from '../exchange/exchange-port.ts';
import { syncFromExchange } from '../orders/order-store.ts';
import { terminalOrderStatuses, type OrderStatus } from '../model/order-status.ts';
import { takeInFills } from '../positions/take-in-fills.ts';
import { describeError } from '../shared/triplegain-error.ts';
import type { ExitOrderDeps } from './exit-orders.ts';
import { syncProtectiveStop } from './sync-protective-stop.ts';

export interface FollowUpOptions {
  /** Wall-time delays, each from the previous look, at which the order is looked up (`execution.kraken.orderFollowUpMs`). */
  delaysMs: readonly number[];
  /** Wall time (ms, `Date.now()`) after which no look starts: the caller's own deadline, less what a look may take. */
  deadlineMs: number;
  /** The exchange's id for the order, when the submit returned one: looked up by it (`findOrder`), one call where the client id may take several. */
  exchangeOrderId?: string | null;
  signal?: AbortSignal;
}

/**
 * Learns the outcome of an order the exchange just accepted without waiting for the periodic
 * reconciliation: after each of `delaysMs` (wall time) it is looked up by its exchange id
 * (`findOrder`, where the exchange has it and the id is known) or else by its client id
 * (`findByClientOrderId`), and recorded as the exchange reports it (`syncFromExchange`: fills,
 * cancel), until it is closed, the delays run out or `deadlineMs` comes. A fill learnt is taken
 * into its position at once (`takeInFills`), and the stop of every position it touched follows
 * (`syncProtectiveStop`): a new position's stop rests seconds after its entry filled.
 *
 * Best effort: a look that fails ends the follow-up, logged; the periodic reconciliation and
 * the positions service on the next bar do the same work anyway.
 *
 * @returns the order's status at the last look that found it, or null when none did.
 */
export async function followUpOrder(
  deps: ExitOrderDeps,
  clientOrderId: string,
  options: FollowUpOptions,
): Promise<OrderStatus | null> {
  let status: OrderStatus | null = null;
  try {
    for (const delayMs of options.delaysMs) {
      if (Date.now() + delayMs >= options.deadlineMs) break;
      await delay(delayMs, undefined, options.signal ? { signal: options.signal } : {});
      const lookUp = AbortSignal.timeout(Math.max(1, options.deadlineMs - Date.now()));
      const signal = options.signal ? AbortSignal.any([options.signal, lookUp]) : lookUp;
      const found = await lookUpOrder(deps.exchange, clientOrderId, options.exchangeOrderId ?? null, signal);
      if (!found) continue;
      const sync = await syncFromExchange(deps.db, clientOrderId, found, deps.clock.now());
      status = sync.order.status;
      if (sync.applied.includes('fill') || sync.applied.includes('partial_fill')) {
        for (const symbol of new Set([sync.order.symbol, ...(await takeInFills(deps))]))
          await syncProtectiveStop(deps, symbol);
      }
      if (terminalOrderStatuses.includes(status)) break;
    }
  } catch (err) {
    deps.logger.warn(
      { clientOrderId, err: describeError(err) },
      'order follow-up ended: reconciliation learns the rest',
    );
  }
  return status;
}

/** By exchange id where the exchange can (one call; the id is the one its submit returned), else by client id. */
function lookUpOrder(
  exchange: ExchangePort,
  clientOrderId: string,
  exchangeOrderId: string | null,
  signal: AbortSignal,
): Promise<ExchangeOrder | null> {
  if (exchangeOrderId === null || !exchange.findOrder) return exchange.findByClientOrderId(clientOrderId, signal);
  return exchange.findOrder(exchangeOrderId, signal);
}
