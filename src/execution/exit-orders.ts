import type { AppConfig } from '../config/app-config.ts';
import type { OrderRow } from '../db/schema/orders.ts';
import type { ExchangePort } from '../exchange/exchange-port.ts';
import { clientOrderIdOf } from '../model/client-order-id.ts';
import type { OrderPurpose } from '../model/order-purpose.ts';
import type { OrderCause } from '../model/order-cause.ts';
import { syncFromExchange } from '../orders/order-store.ts';
import type { Position } from '../positions/position.ts';
import { executionQueue } from '../queues/queue-catalog.ts';
import { TriplegainError } from '../shared/triplegain-error.ts';
import { placeOrderOnce, type PlaceOrderDeps, type PlaceOrderOutcome } from './place-order-once.ts';

/** What placing and canceling orders on behalf of a position needs. */
export interface ExitOrderDeps extends PlaceOrderDeps {
  config: AppConfig;
  exchange: ExchangePort;
}

export interface ExitOrder {
  /** Seed of the client order id (with the purpose): the same key places the order once. */
  key: string;
  purpose: Exclude<OrderPurpose, 'entry' | 'rebalance' | 'adopted'>;
  /** Why it is placed (`OrderCause`): `approval` needs `decisionId`. */
  cause: Exclude<OrderCause, 'adopted'>;
  /** `protective` for stops and take profits resting or watched for the position; `exit` otherwise. */
  intent: 'exit' | 'protective';
  /** What the trading-state fence judges: `exit` (passes PAUSED) or `flatten` (a halt's close-out). */
  fenceIntent: 'exit' | 'flatten';
  correlationId: string;
  /** The approval this exit belongs to; null for an operator's flatten or a breaker's cut. */
  decisionId?: string | null;
  proposalId?: string | null;
  type?: 'market' | 'stop-loss';
  triggerPrice?: string;
  /** Default the whole position. */
  quantity?: string;
}

/** A reduce-only order on the opposite side of `position` (a close, a cut, a stop), placed once (`placeOrderOnce`). */
export function placeExitOrder(deps: ExitOrderDeps, position: Position, o: ExitOrder): Promise<PlaceOrderOutcome> {
  return placeOrderOnce(
    deps,
    deps.exchange,
    {
      clientOrderId: clientOrderIdOf(o.key, o.purpose),
      decisionId: o.decisionId ?? null,
      proposalId: o.proposalId ?? null,
      correlationId: o.correlationId,
      symbol: position.symbol,
      side: position.side === 'long' ? 'sell' : 'buy',
      type: o.type ?? 'market',
      intent: o.intent,
      purpose: o.purpose,
      cause: o.cause,
      quantity: o.quantity ?? position.quantity,
      triggerPrice: o.triggerPrice ?? null,
      leverage: position.leverage,
      reduceOnly: true,
    },
    { fenceIntent: o.fenceIntent, ttlMs: executionQueue.timeoutMs(deps.config) },
  );
}

/**
 * Cancels a working order on the exchange, then records the state the exchange reports for it
 * (by its exchange id where the exchange can: one lookup). A cancel whose outcome is unknown
 * (no answer, a 5xx after the exchange acted) is judged by that lookup: an order no longer live
 * is canceled (or filled) whatever the cancel call said, so the stop that replaces it is not held
 * back until the next reconciliation.
 *
 * @throws the cancel's error when the order is still live, or when the lookup fails too.
 */
export async function cancelAndSync(
  deps: ExitOrderDeps,
  order: Pick<OrderRow, 'clientOrderId' | 'exchangeOrderId'>,
  /** Why this system cancels it, recorded with the cancel ("canceled by triplegain: …"). */
  why: string,
): Promise<void> {
  const exchangeOrderId = order.exchangeOrderId;
  if (!exchangeOrderId) return;
  let cancelError: unknown = null;
  await deps.exchange.cancelOrder(exchangeOrderId).catch((err: unknown) => {
    // The exchange refused it: nothing was canceled, and it says why.
    if (err instanceof TriplegainError && err.code === 'EXCHANGE_REJECTED') throw err;
    cancelError = err;
  });
  const lookUp = () =>
    deps.exchange.findOrder
      ? deps.exchange.findOrder(exchangeOrderId)
      : deps.exchange.findByClientOrderId(order.clientOrderId);
  const found = cancelError === null ? await lookUp() : await lookUp().catch(() => Promise.reject(cancelError));
  if (found)
    await syncFromExchange(deps.db, order.clientOrderId, found, deps.clock.now(), `canceled by triplegain: ${why}`);
  if (cancelError !== null && (!found || found.status === 'open' || found.status === 'pending')) throw cancelError;
}
