import { Decimal } from '../model/decimal.ts';
import { minimumQuantity, roundQuantity } from '../market/instrument-rules.ts';
import { clientOrderIdOf } from '../model/client-order-id.ts';
import { applyOrderEvent, createOrder } from '../orders/order-store.ts';
import { loadOrder } from '../orders/order-reads.ts';
import { latestClose } from '../portfolio/latest-prices.ts';
import { exitablePositionOf, type ExitablePosition } from '../positions/exitable-position.ts';
import { heldPositionOf } from '../positions/held-position.ts';
import { withPositionLock } from '../positions/with-position-lock.ts';
import { describeError, TriplegainError } from '../shared/triplegain-error.ts';
import { abandonUnsentOrders } from './abandon-unsent-orders.ts';
import { placeExitOrder, type ExitOrder, type ExitOrderDeps } from './exit-orders.ts';
import type { PlaceOrderOutcome } from './place-order-once.ts';
import { cancelStops, workingStopsOf } from './working-stops.ts';
import { syncProtectiveStopLocked } from './sync-protective-stop.ts';

/** An exit of one position: what `placeExitOrder` takes, for a symbol, its quantity decided here. */
export type PositionExit = Omit<ExitOrder, 'type' | 'triggerPrice' | 'intent'> & {
  symbol: string;
  /** `protective` for the engine's own exits (take profit, trailing stop, a watched stop level); default `exit`. */
  intent?: 'exit' | 'protective';
  /** The side an approval asked for: recorded on its denied order when no position is left to exit. */
  side?: 'buy' | 'sell';
};

/**
 * Exits (part of) the open position of `exit.symbol` at market, as the only changer of that
 * position's orders in the cluster (`withPositionLock`), and never past it:
 *
 * - the quantity is the one asked for (default the whole position), at most what is held
 *   (`heldPositionOf`, fills not yet taken in counted) less the exits already in flight
 *   (`pendingExitsOf`), cut to the pair's lot; a remainder below the pair's minimum order is
 *   taken with it (no dust position is left behind; an approval's exit, sized by the risk
 *   engine with the same rule, never takes more than approved); nothing left → no order (an approval's
 *   order is recorded `denied`, saying so, which releases its reservation);
 * - while HALTED only a halt's close-out goes (`fenceIntent: 'flatten'`): any other exit leaves
 *   the stop alone (an approval's exit is recorded refused);
 * - reduce-only orders recorded but never sent are closed (`abandonUnsentOrders`);
 * - the position's resting stop is canceled first, and the exit waits until the exchange
 *   confirms it no longer works (it would hold the same base asset, and stop and exit
 *   together could sell more than is held); then the exit is placed (`placeOrderOnce`);
 * - then, whatever happened, the stop is put back for what the exit leaves
 *   (`syncProtectiveStopLocked`).
 *
 * Idempotent on `exit.key` and purpose: a redelivery finds the order placed before.
 *
 * @returns the exit's outcome, or null when nothing was placed for an exit without an approval.
 * @throws TriplegainError `EXCHANGE_UNAVAILABLE` (retryable) when the stop could not be canceled: nothing is sent.
 */
export function exitPosition(deps: ExitOrderDeps, exit: PositionExit): Promise<PlaceOrderOutcome | null> {
  return withPositionLock(deps.db, deps.exchange.name, exit.symbol, () => exitPositionLocked(deps, exit));
}

async function exitPositionLocked(deps: ExitOrderDeps, exit: PositionExit): Promise<PlaceOrderOutcome | null> {
  const clientOrderId = clientOrderIdOf(exit.key, exit.purpose);
  const before = await loadOrder(deps.db, clientOrderId);
  if (before && before.status !== 'created') return { status: 'already', order: before };

  const found = await heldPositionOf(deps.db, deps.exchange.name, exit.symbol);
  if (!found)
    return nothingToExit(
      deps,
      { ...exit, side: exit.side ?? 'sell' },
      clientOrderId,
      `no open ${exit.symbol} position`,
    );
  // Read before anything is touched (unreadable: this throws, nothing is canceled): while
  // HALTED only a halt's close-out may go, and the stop stays where it is for the others.
  if (exit.fenceIntent !== 'flatten' && (await deps.redis.hget(deps.keys.controlState, 'state')) === 'HALTED') {
    if (!exit.decisionId) return null;
    // The trading-state fence refuses it and records why; the claim is released with it.
    return placeExitOrder(deps, found.position, {
      ...exit,
      intent: exit.intent ?? 'exit',
      type: 'market',
      quantity: exit.quantity ?? found.position.quantity,
    });
  }
  await abandonUnsentOrders(deps.db, deps.exchange.name, exit.symbol, deps.clock.now());

  try {
    // The stop goes first: it holds what the exit sells, and both could fill. Its final state
    // (a fill included) is recorded before the exit is sized.
    const why = `cancel-first, before the exit order ${clientOrderId} (${exit.purpose.replace('_', ' ')})`;
    if (!(await cancelStops(deps, await workingStopsOf(deps, exit.symbol), why))) {
      const stillWorking = await workingStopsOf(deps, exit.symbol);
      throw new TriplegainError(
        'EXCHANGE_UNAVAILABLE',
        `the ${exit.symbol} stop ${stillWorking.map((s) => `${s.clientOrderId} (${s.status})`).join(', ')} could not be canceled: the exit is not sent beside it`,
        { symbol: exit.symbol },
      );
    }

    // What is held and what exits in flight take, from one snapshot (`exitablePositionOf`).
    const exitable = await exitablePositionOf(deps.db, deps.exchange.name, exit.symbol, clientOrderId);
    const held = exitable?.held ?? null;
    const quantity = exitable ? await exitQuantity(deps, exitable, exit) : new Decimal(0);
    if (!held || quantity.isZero()) {
      const side = held ? (held.position.side === 'long' ? 'sell' : 'buy') : (exit.side ?? 'sell');
      return await nothingToExit(
        deps,
        { ...exit, side },
        clientOrderId,
        held ? 'the exits already in flight take the whole position' : `no open ${exit.symbol} position`,
      );
    }
    return await placeExitOrder(deps, held.position, {
      ...exit,
      intent: exit.intent ?? 'exit',
      type: 'market',
      quantity: quantity.toFixed(),
    });
  } finally {
    // Whatever happened above, the stop is put back for what is left (or the gap recorded).
    await syncProtectiveStopLocked(deps, exit.symbol).catch((err: unknown) =>
      deps.logger.error(
        { symbol: exit.symbol, err: describeError(err) },
        'stop not synced after the exit: the engine watches the level',
      ),
    );
  }
}

/** The quantity this exit may take (see `exitPosition`); zero when nothing is left to take. */
async function exitQuantity(
  deps: ExitOrderDeps,
  { held, pending }: ExitablePosition,
  exit: PositionExit,
): Promise<Decimal> {
  const available = Decimal.max(0, held.quantity.minus(pending.quantity));
  const asked = exit.quantity === undefined ? available : Decimal.min(available, exit.quantity);
  const instrument = deps.instruments.find(exit.symbol);
  if (!instrument) return asked;
  const price =
    (await latestClose(deps.db, exit.symbol, deps.config.marketData.timeframe)) ?? held.position.avgEntryPrice;
  const minimum = minimumQuantity(instrument, price);
  const remainder = available.minus(asked);
  // A remainder no order could ever close goes with this exit; an approval's exit never takes
  // more than was approved (the risk engine sized it with the same rule).
  const take = remainder.gt(0) && remainder.lt(minimum) && exit.cause !== 'approval' ? available : asked;
  return new Decimal(roundQuantity(instrument, take.toFixed()));
}

/** No order for an exit with nothing to take; an approval's order is recorded `denied` (its reservation is released with it). */
async function nothingToExit(
  deps: ExitOrderDeps,
  exit: PositionExit & { side: 'buy' | 'sell' },
  clientOrderId: string,
  why: string,
): Promise<PlaceOrderOutcome | null> {
  if (!exit.decisionId) {
    deps.logger.info({ symbol: exit.symbol, key: exit.key }, `nothing to exit: ${why}`);
    return null;
  }
  const { order } = await createOrder(deps.db, {
    clientOrderId,
    decisionId: exit.decisionId,
    proposalId: exit.proposalId ?? null,
    correlationId: exit.correlationId,
    symbol: exit.symbol,
    side: exit.side,
    type: 'market',
    intent: exit.intent ?? 'exit',
    purpose: exit.purpose,
    cause: exit.cause,
    quantity: exit.quantity ?? '0.00000001',
    reduceOnly: true,
    exchange: deps.exchange.name,
    createdAtMs: deps.clock.now(),
  });
  const reason = `not sent: ${why}`;
  const denied =
    order.status === 'created'
      ? (await applyOrderEvent(deps.db, clientOrderId, { kind: 'denied', reason, occurredAtMs: deps.clock.now() }))
          .order
      : order;
  return { status: 'refused', order: denied, reason };
}
