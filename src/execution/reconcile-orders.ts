import type { Clock } from '../clock/clock.ts';
import { databaseNow } from '../db/database-now.ts';
import type { Db } from '../db/open-database.ts';
import type { OrderRow } from '../db/schema/orders.ts';
import type { ExchangeOrder, ExchangePort } from '../exchange/exchange-port.ts';
import { adoptExchangeOrder, applyOrderEvent, syncFromExchange } from '../orders/order-store.ts';
import { ordersToReconcile } from '../orders/order-reads.ts';
import { recordedClientOrderIds } from '../orders/recorded-client-order-ids.ts';
import type { Logger } from '../shared/logger.ts';
import { describeError } from '../shared/triplegain-error.ts';

export interface ReconcileReport {
  /** Our orders looked up on the exchange. */
  checked: number;
  /** Orders whose state changed to match the exchange (acknowledged, filled, canceled…). */
  synced: string[];
  /** In-flight orders the exchange does not have after `notFoundAfterMs`: back to `created`, not resent. */
  notFound: string[];
  /** Open orders on the exchange that we had no row for, now recorded. */
  adopted: string[];
  /** Orders that could not be looked up this time (the exchange failed): tried again next time. */
  failed: { clientOrderId: string; error: string }[];
  /**
   * In how many ms (wall time) the first order in flight that the exchange did not show yet can
   * be judged never received; null when none waits. A pass is worth running then rather than
   * at the next scheduled one: a stop whose AddOrder got no answer is placed anew sooner.
   */
  decidableInMs: number | null;
}

export interface ReconcileOptions {
  /**
   * An order in flight (`submitting`, `unknown`) that the exchange still does not know after
   * this much wall time since its last status change is taken as never received, whatever the
   * replay speed. Default: the exchange's own bound (`lateArrivalMs`, Kraken's AddOrder
   * deadline), else 60 s, longer than any create call can take to land.
   */
  notFoundAfterMs?: number;
  /** Ends the pass (its exchange calls, and before each order): a job released at shutdown does nothing more. */
  signal?: AbortSignal;
}

/**
 * Makes our orders agree with the exchange. Every order in flight or working is looked up by
 * its client order id in the exchange's open and closed orders and brought to its state
 * (`syncFromExchange`: acknowledged, fills, cancels); an order the exchange has never heard of,
 * well after it was sent, goes back to `created` and is reported, never resent blindly; an
 * open order on the exchange without a row here is recorded (`adopted`), not ignored.
 *
 * Idempotent: running it from several workers at once, or twice, changes nothing more.
 */
export async function reconcileOrders(
  deps: { db: Db; exchange: ExchangePort; clock: Clock; logger: Logger },
  options: ReconcileOptions = {},
): Promise<ReconcileReport> {
  const notFoundAfterMs = options.notFoundAfterMs ?? deps.exchange.lateArrivalMs ?? 60_000;
  const report: ReconcileReport = {
    checked: 0,
    synced: [],
    notFound: [],
    adopted: [],
    failed: [],
    decidableInMs: null,
  };
  const ours = await ordersToReconcile(deps.db, deps.exchange.name);
  // The not-found window is wall time, by the clock that stamped `statusChangedAt`: at any
  // replay speed an order just sent is given the exchange's real time to show up.
  const wallNowMs = ours.some((o) => o.status === 'submitting' || o.status === 'unknown')
    ? (await databaseNow(deps.db)).getTime()
    : 0;
  // One look at the open orders serves the working ones and the adoption below; only an order
  // not among them is looked up by itself (in the closed orders too).
  const signal = options.signal;
  const openOnExchange = await deps.exchange.openOrders(signal);
  const openByClientId = new Map(
    openOnExchange.flatMap((o) => (o.clientOrderId ? [[o.clientOrderId, o] as const] : [])),
  );
  const closedByClientId = await closedAmong(
    deps,
    ours.filter((o) => !openByClientId.has(o.clientOrderId)),
    signal,
  );
  for (const order of ours) {
    signal?.throwIfAborted();
    report.checked += 1;
    try {
      const found =
        openByClientId.get(order.clientOrderId) ??
        (closedByClientId
          ? (closedByClientId.get(order.clientOrderId) ?? null)
          : await deps.exchange.findByClientOrderId(order.clientOrderId, signal));
      if (found) {
        const sync = await syncFromExchange(deps.db, order.clientOrderId, found, deps.clock.now());
        if (sync.changed) report.synced.push(order.clientOrderId);
      } else if (
        (order.status === 'submitting' || order.status === 'unknown') &&
        wallNowMs - order.statusChangedAt.getTime() >= notFoundAfterMs
      ) {
        await applyOrderEvent(deps.db, order.clientOrderId, {
          kind: 'not_found',
          reason: `the exchange has no order ${order.clientOrderId} ${notFoundAfterMs} ms after it was sent`,
          occurredAtMs: deps.clock.now(),
        });
        report.notFound.push(order.clientOrderId);
      }
    } catch (err) {
      report.failed.push({ clientOrderId: order.clientOrderId, error: describeError(err) });
    }
  }
  signal?.throwIfAborted();
  const recorded = await recordedClientOrderIds(
    deps.db,
    openOnExchange.flatMap((o) => (o.clientOrderId ? [o.clientOrderId] : [])),
  );
  for (const open of openOnExchange) {
    if (open.clientOrderId && recorded.has(open.clientOrderId)) continue;
    const { order, created } = await adoptExchangeOrder(deps.db, deps.exchange.name, open, deps.clock.now());
    if (created) {
      report.adopted.push(order.clientOrderId);
      deps.logger.warn(
        { clientOrderId: order.clientOrderId, exchangeOrderId: open.exchangeOrderId, symbol: open.symbol },
        'order found on the exchange and adopted',
      );
    }
  }
  report.decidableInMs = await inFlightDecidableInMs(deps, { notFoundAfterMs });
  if (report.synced.length + report.notFound.length + report.adopted.length + report.failed.length > 0)
    deps.logger.info({ ...report }, 'orders reconciled');
  return report;
}

/**
 * In how many ms (wall time, the database's clock) the first order in flight (`submitting`,
 * `unknown`) can be judged never received, if the exchange still does not show it then; null
 * when none is in flight. Negative: it can be judged now.
 */
export async function inFlightDecidableInMs(
  deps: { db: Db; exchange: Pick<ExchangePort, 'name' | 'lateArrivalMs'> },
  options: Pick<ReconcileOptions, 'notFoundAfterMs'> = {},
): Promise<number | null> {
  const notFoundAfterMs = options.notFoundAfterMs ?? deps.exchange.lateArrivalMs ?? 60_000;
  const inFlight = (await ordersToReconcile(deps.db, deps.exchange.name)).filter(
    (o) => o.status === 'submitting' || o.status === 'unknown',
  );
  if (inFlight.length === 0) return null;
  const wallNowMs = (await databaseNow(deps.db)).getTime();
  return Math.min(...inFlight.map((o) => o.statusChangedAt.getTime() + notFoundAfterMs - wallNowMs));
}

/** Margin before the oldest status change of the orders looked for: Kraken's clock and ours differ. */
const CLOSED_SINCE_MARGIN_MS = 5 * 60_000;

/**
 * The orders of `notOpen` the exchange has closed (or still knows), by client order id: those
 * with an exchange id from one lookup by id (`findOrders`: on Kraken one QueryOrders, cost 1,
 * for up to 50), the rest from one listing (`closedByClientOrderIds`: one ClosedOrders, cost 2,
 * since the oldest one's last status change, wall time). Null where the exchange has neither or
 * a lookup failed: each order is then looked up by itself.
 */
async function closedAmong(
  deps: { db: Db; exchange: ExchangePort; logger: Logger },
  notOpen: readonly OrderRow[],
  signal: AbortSignal | undefined,
): Promise<Map<string, ExchangeOrder> | null> {
  const { exchange } = deps;
  if (notOpen.length === 0 || (!exchange.findOrders && !exchange.closedByClientOrderIds)) return null;
  try {
    const found = new Map<string, ExchangeOrder>();
    const withId = exchange.findOrders
      ? notOpen.flatMap((o) =>
          o.exchangeOrderId === null ? [] : [{ clientOrderId: o.clientOrderId, exchangeOrderId: o.exchangeOrderId }],
        )
      : [];
    if (exchange.findOrders && withId.length > 0) {
      const byId = await exchange.findOrders(
        withId.map((o) => o.exchangeOrderId),
        signal,
      );
      for (const o of withId) {
        const order = byId.get(o.exchangeOrderId);
        if (order) found.set(o.clientOrderId, order);
      }
    }
    const rest = notOpen.filter((o) => !found.has(o.clientOrderId));
    if (rest.length === 0) return found;
    if (!exchange.closedByClientOrderIds) return null;
    const sinceWallMs = Math.min(...rest.map((o) => o.statusChangedAt.getTime())) - CLOSED_SINCE_MARGIN_MS;
    for (const [id, order] of await exchange.closedByClientOrderIds(
      rest.map((o) => o.clientOrderId),
      sinceWallMs,
      signal,
    ))
      found.set(id, order);
    return found;
  } catch (err) {
    signal?.throwIfAborted();
    deps.logger.warn({ err: describeError(err) }, 'closed orders not listed: each order is looked up by itself');
    return null;
  }
}
