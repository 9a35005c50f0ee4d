import { setTimeout as delay } from 'node:timers/promises';
import { Decimal } from '../model/decimal.ts';
import { recordedEventAlerts } from '../alerts/recorded-event-alerts.ts';
import { appendSystemEvent } from '../db/append-system-event.ts';
import type { OrderRow } from '../db/schema/orders.ts';
import { minimumQuantity, roundQuantity, roundStopPrice } from '../market/instrument-rules.ts';
import { syncFromExchange } from '../orders/order-store.ts';
import { entryCorrelationIdOf, lastStopSince, stopCountOf } from '../orders/protective-stop-store.ts';
import { exitablePositionOf } from '../positions/exitable-position.ts';
import type { HeldPosition } from '../positions/held-position.ts';
import { withPositionLock } from '../positions/with-position-lock.ts';
import { describeError } from '../shared/triplegain-error.ts';
import { abandonUnsentOrders } from './abandon-unsent-orders.ts';
import { placeExitOrder, type ExitOrderDeps } from './exit-orders.ts';
import { lastGapEventOf } from './position-gap-store.ts';
import { cancelStops, workingStopsOf } from './working-stops.ts';

/** What `syncProtectiveStop` found or did. */
export type StopSync =
  /** No open position, or no stop level: nothing rests (stale stops were canceled). */
  | { status: 'none' }
  /** A stop of the right size and level rests (kept, or placed now). */
  | { status: 'protected'; clientOrderId: string; quantity: string; triggerPrice: string }
  /** A stop is on its way (submitting, outcome unknown): reconciliation settles it; nothing else is placed meanwhile. */
  | { status: 'in_flight'; clientOrderId: string }
  /** The trading state is HALTED: resting stops are left as they are, none is placed. */
  | { status: 'halted' }
  /**
   * No stop rests for the position: the engine watches its level on every bar, and the next
   * sync tries again. `canRest: false` when no stop can rest for it at all (what is left is
   * below the pair's minimum, or nothing is left): trying again changes nothing.
   */
  | { status: 'unprotected'; reason: string; canRest?: false };

/**
 * Makes the one protective stop of a position match it, as the only changer of that position's
 * orders in the cluster (`withPositionLock`). See {@link syncProtectiveStopLocked}.
 */
export function syncProtectiveStop(deps: ExitOrderDeps, symbol: string): Promise<StopSync> {
  return withPositionLock(deps.db, deps.exchange.name, symbol, () => syncProtectiveStopLocked(deps, symbol));
}

/**
 * One position, one stop, sized to it. Call it holding the position's lock, whenever the
 * position may have changed (a fill, an exit placed, every bar: that is also the retry after a
 * stop was refused or canceled by anyone, the exchange's dead man's switch included).
 *
 * The stop wanted: a reduce-only stop-loss at the position's `protection.stopLoss` (moved onto
 * the tick grid toward the market), for what is held (`heldPositionOf`) less the exits already
 * in flight (`pendingExitsOf`), cut to the lot. Then:
 * - one working stop already matches: it is kept, every other stop is canceled;
 * - a stop is submitting or its outcome is unknown: nothing is done (a second stop could fill
 *   beside it); reconciliation settles it; a stop or exit recorded but never sent is closed
 *   first (`abandonUnsentOrders`);
 * - otherwise every working stop is canceled first, and only once the exchange confirms that
 *   none works any more (the position read again: a cancel may reveal a fill) is the new one placed: an old stop can never fill after the new one
 *   rests, and the reduce-only quantity resting never exceeds the position;
 * - no position, or no stop level: stale stops are canceled.
 * While HALTED nothing is touched. When no stop can rest (refused, below the pair's minimum,
 * a cancel not confirmed) the position is `unprotected`: the positions service watches the
 * level on every bar and exits at market when it is crossed. Each gap is recorded as a
 * `position.unprotected` system event (and its end as `position.protected`) with the
 * position's correlation id, so `explain` shows it.
 */
export async function syncProtectiveStopLocked(
  deps: ExitOrderDeps,
  symbol: string,
  replacing = false,
): Promise<StopSync> {
  const state = await deps.redis.hget(deps.keys.controlState, 'state');
  if (state === 'HALTED') return { status: 'halted' };
  await abandonUnsentOrders(deps.db, deps.exchange.name, symbol, deps.clock.now());
  const stops = await workingStopsOf(deps, symbol);
  const inFlight = stops.find((s) => s.status !== 'open' && s.status !== 'partially_filled');
  if (inFlight) return { status: 'in_flight', clientOrderId: inFlight.clientOrderId };

  // What is held and what exits in flight take, from one snapshot (`exitablePositionOf`).
  const exitable = await exitablePositionOf(deps.db, deps.exchange.name, symbol);
  const level = exitable?.held.position.protection.stopLoss ?? null;
  if (!exitable || level === null || exitable.held.quantity.isZero()) {
    if (!(await cancelStops(deps, stops, 'its position is closed or has no stop level')))
      return { status: 'unprotected', reason: 'a stale stop could not be canceled' };
    return { status: 'none' };
  }

  const { held, pending } = exitable;
  const side = held.position.side === 'long' ? 'sell' : 'buy';
  const instrument = deps.instruments.find(symbol);
  const left = Decimal.max(0, held.quantity.minus(pending.quantity));
  const quantity = instrument ? roundQuantity(instrument, left.toFixed()) : left.toFixed();
  const triggerPrice = instrument ? roundStopPrice(instrument, side, level) : level;
  const matching = stops.find(
    (s) =>
      s.side === side &&
      new Decimal(s.quantity).minus(s.filledQuantity).eq(quantity) &&
      s.triggerPrice !== null &&
      new Decimal(s.triggerPrice).eq(triggerPrice),
  );
  const stale = stops.filter((s) => s !== matching);
  if (stale.length > 0) {
    if (!(await cancelStops(deps, stale, `replaced by a stop of ${quantity} at ${triggerPrice}`)))
      return unprotected(deps, held, 'a stop of the wrong size could not be canceled');
    // A cancel can reveal that the old stop filled (on Kraken the fill may be learnt only
    // now): the position is read again before anything is placed for it.
    return syncProtectiveStopLocked(deps, symbol, true);
  }
  if (matching) return { status: 'protected', clientOrderId: matching.clientOrderId, quantity, triggerPrice };
  if (new Decimal(quantity).isZero()) {
    // Exits in flight take the whole position: they are its protection until they fill.
    return pending.inFlight ? { status: 'none' } : unprotected(deps, held, 'nothing left to rest a stop for', false);
  }
  if (instrument && new Decimal(quantity).lt(minimumQuantity(instrument, triggerPrice))) {
    return unprotected(deps, held, `${quantity} ${symbol} is below the pair's minimum order: no stop can rest`, false);
  }

  if (stops.length === 0 && !replacing) {
    const lost = await lastStopOf(deps, held);
    if (lost) await unprotected(deps, held, `its stop ${lost.clientOrderId} is ${lost.status}`);
  }
  const outcome = await placeExitOrder(deps, held.position, {
    key: `stop:${held.account}:${held.id}:${await stopCount(deps, symbol)}`,
    purpose: 'stop_loss',
    cause: 'stop',
    intent: 'protective',
    fenceIntent: 'exit',
    correlationId: await correlationOf(deps, held),
    type: 'stop-loss',
    triggerPrice,
    quantity,
  }).catch((err: unknown) => ({ status: 'failed' as const, reason: describeError(err) }));
  const protectedBy = async (clientOrderId: string): Promise<StopSync> => {
    if ((await lastGapEvent(deps, held)) === 'position.unprotected') {
      await recordGap(
        deps,
        held,
        'position.protected',
        'info',
        `a stop rests again for the ${held.position.symbol} position: ${side} ${quantity} at ${triggerPrice}`,
      );
    }
    return { status: 'protected', clientOrderId, quantity, triggerPrice };
  };
  if (outcome.status === 'submitted' || outcome.status === 'already') return protectedBy(outcome.order.clientOrderId);
  if (outcome.status === 'unknown') {
    // Kraken's advice after an AddOrder without an answer: look it up by its client id. One that
    // landed is protection now; one not found yet is left to reconciliation, which alone may
    // judge it missing (after the exchange's late-arrival bound).
    const landed = await lookUpOnce(deps, outcome.order.clientOrderId);
    if (landed && (landed.status === 'open' || landed.status === 'partially_filled'))
      return protectedBy(landed.clientOrderId);
    return { status: 'in_flight', clientOrderId: outcome.order.clientOrderId };
  }
  const reason =
    'order' in outcome
      ? `the stop was ${outcome.status}: ${outcome.reason ?? outcome.order.status}`
      : `the stop was not placed: ${outcome.reason}`;
  return unprotected(deps, held, reason);
}

/** The latest stop placed for this position (since it opened), if any: a missing stop after one is a gap, not the first placement. */
function lastStopOf(deps: ExitOrderDeps, held: HeldPosition): Promise<OrderRow | undefined> {
  return lastStopSince(deps.db, held.account, held.position.symbol, held.position.openedAtMs);
}

/** How many stops the symbol has had: the next stop's key, unique for as long as the books last. */
function stopCount(deps: ExitOrderDeps, symbol: string): Promise<number> {
  return stopCountOf(deps.db, deps.exchange.name, symbol);
}

/** The correlation id of the position's latest entry: its stop, its gaps and its exits join that chain in `explain`. */
export async function correlationOf(deps: ExitOrderDeps, held: HeldPosition): Promise<string> {
  return (
    (await entryCorrelationIdOf(deps.db, held.account, held.position.symbol)) ?? `position:${held.account}:${held.id}`
  );
}

/** The type of the latest gap event of the position: a gap is recorded once, when it opens, and once when it closes. */
function lastGapEvent(deps: ExitOrderDeps, held: HeldPosition): Promise<string | undefined> {
  return lastGapEventOf(deps.db, held.account, held.id);
}

async function unprotected(deps: ExitOrderDeps, held: HeldPosition, reason: string, canRest = true): Promise<StopSync> {
  if ((await lastGapEvent(deps, held)) !== 'position.unprotected') {
    await recordGap(
      deps,
      held,
      'position.unprotected',
      'warning',
      `no stop rests for the ${held.position.side} ${held.position.symbol} position (${reason}); the engine watches ${held.position.protection.stopLoss ?? 'no level'} on every bar and retries`,
    );
  }
  return canRest ? { status: 'unprotected', reason } : { status: 'unprotected', reason, canRest };
}

async function recordGap(
  deps: ExitOrderDeps,
  held: HeldPosition,
  type: 'position.unprotected' | 'position.protected',
  severity: 'info' | 'warning',
  message: string,
): Promise<void> {
  deps.logger[severity === 'info' ? 'info' : 'warn']({ symbol: held.position.symbol, positionId: held.id }, message);
  const row = await appendSystemEvent(deps.db, {
    type,
    severity,
    source: 'positions',
    correlationId: await correlationOf(deps, held),
    message,
    details: {
      account: held.account,
      symbol: held.position.symbol,
      positionId: String(held.id),
      stopLoss: held.position.protection.stopLoss,
    },
    occurredAt: new Date(deps.clock.now()),
  }).catch((err: unknown) => deps.logger.error({ err: describeError(err) }, 'protection gap not recorded'));
  if (row && type === 'position.unprotected') await deps.alerts?.report(recordedEventAlerts.positionUnprotected(row));
}

/**
 * One look at the exchange for an order whose create call got no answer, after the first
 * follow-up delay (`execution.kraken.orderFollowUpMs`, wall time); what it finds is recorded.
 * A failed look changes nothing.
 */
async function lookUpOnce(deps: ExitOrderDeps, clientOrderId: string): Promise<OrderRow | null> {
  const delayMs = deps.config.execution.kraken.orderFollowUpMs[0];
  if (delayMs === undefined) return null;
  await delay(delayMs);
  try {
    const found = await deps.exchange.findByClientOrderId(clientOrderId);
    return found ? (await syncFromExchange(deps.db, clientOrderId, found, deps.clock.now())).order : null;
  } catch (err) {
    deps.logger.warn(
      { clientOrderId, err: describeError(err) },
      'stop without an answer not found yet: reconciliation settles it',
    );
    return null;
  }
}
