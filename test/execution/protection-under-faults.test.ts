import { Decimal } from 'decimal.js';
import { afterEach, describe, expect, it } from 'vitest';
import { reconcileOrders } from '../../src/execution/reconcile-orders.ts';
import { syncProtectiveStop } from '../../src/execution/sync-protective-stop.ts';
import { exitPosition } from '../../src/execution/exit-position.ts';
import type { Db } from '../../src/db/open-database.ts';
import { applyOrderEvent } from '../../src/orders/order-store.ts';
import { exitablePositionOf } from '../../src/positions/exitable-position.ts';
import { heldPositionOf } from '../../src/positions/held-position.ts';
import { setProtection } from '../../src/positions/position-store.ts';
import { silentLogger } from '../../src/shared/logger.ts';
import { TriplegainError } from '../../src/shared/triplegain-error.ts';
import type { PlaceOrderRequest } from '../../src/exchange/exchange-port.ts';
import { flatBar, HOUR, PositionScenario } from '../support/position-scenario.ts';
import { scaled } from '../support/test-timing.ts';

/** Protection when a placement is lost, while HALTED, and when a fill is learnt late. */
describe('protection under lost placements, halts and late fills', () => {
  let s: PositionScenario | undefined;
  afterEach(async () => {
    await s?.cleanup();
    s = undefined;
  });

  /** A placement whose answer never comes, and that the exchange never got: reconciliation turns it back to `created`. */
  async function loseNextPlacement(
    sc: PositionScenario,
    which: (r: PlaceOrderRequest) => boolean,
    action: () => Promise<unknown>,
  ): Promise<void> {
    const place = sc.paper.placeOrder.bind(sc.paper);
    sc.paper.placeOrder = (r, signal) => (which(r) ? Promise.reject(new Error('socket hang up')) : place(r, signal));
    await action();
    sc.paper.placeOrder = place;
    sc.h.clock.set(sc.h.clock.now() + 120_000);
    // The not-found window is wall time (tested in reconcile-orders.test.ts); here it has passed.
    await reconcileOrders(
      { db: sc.h.database.db, exchange: sc.paper, clock: sc.h.clock, logger: silentLogger },
      { notFoundAfterMs: 0 },
    );
  }

  it(
    "a stop the exchange never got (back to 'created' after reconciliation) is closed and placed anew",
    async () => {
      s = await PositionScenario.start();
      await s.enter('0.1', '39000');
      const sc = s;
      await loseNextPlacement(
        sc,
        (r) => r.type === 'stop-loss',
        () => sc.bar(flatBar('40000')),
      );
      expect((await s.workingStops()).map((o) => o.status)).toEqual(['created']);

      await s.bar(flatBar('40000'));
      // The unsent stop is closed and a new one rests: the crossed level closes the position.
      expect(
        (await s.orders())
          .filter((o) => o.purpose === 'stop_loss')
          .map((o) => o.status)
          .sort(),
      ).toEqual(['denied', 'open']);
      await s.bar({ open: '39500', high: '39500', low: '38500', close: '38600' });
      await s.bar(flatBar('38600'));
      expect(await s.position()).toBeUndefined();
      expect(await s.audit()).toEqual([]);
    },
    scaled(60_000),
  );

  it(
    "an exit the exchange never got (back to 'created') is closed, its claim released, and the stop put back",
    async () => {
      s = await PositionScenario.start();
      await s.enter('0.1', '39000');
      await s.bar(flatBar('40000'));
      const sc = s;
      await loseNextPlacement(
        sc,
        (r) => r.type === 'market' && r.side === 'sell',
        () => sc.exit('0.1'),
      );

      await s.bar(flatBar('40000'));
      await s.bar({ open: '39500', high: '39500', low: '38500', close: '38600' });
      await s.bar(flatBar('38600'));
      // The unsent exit was closed (its claim with it) and the stop put back: the crossed level closed the position.
      expect((await s.orders()).filter((o) => o.purpose === 'exit').map((o) => o.status)).toEqual(['denied']);
      expect(await s.position()).toBeUndefined();
      expect(await s.audit()).toEqual([]);
    },
    scaled(60_000),
  );

  it(
    'while HALTED (no --cancel-orders), a take profit crossing leaves the resting stop where it is',
    async () => {
      s = await PositionScenario.start();
      await s.enter('0.1', '39000', '41000');
      await s.bar(flatBar('40000'));
      expect((await s.workingStops()).map((o) => o.status)).toEqual(['open']);

      await s.h.t.redis.hset(s.h.t.keys.controlState, 'state', 'HALTED');
      await s.bar({ open: '40000', high: '41500', low: '40000', close: '41200' });
      // The halt did not ask to cancel orders: the position's stop must still rest.
      expect((await s.workingStops()).map((o) => o.status)).toEqual(['open']);
    },
    scaled(60_000),
  );

  it(
    'a resize that learns at the cancel that the old stop filled places no new stop for what was sold',
    async () => {
      s = await PositionScenario.start();
      await s.holdCore('0.1');
      await s.enter('0.1', '39000');
      await s.bar(flatBar('40000'));
      expect((await s.workingStops()).map((o) => o.quantity)).toEqual(['0.1']);

      // The stop fills on the exchange; as on Kraken, our books learn it later (reconciliation).
      const openTimeMs = s.h.clock.now();
      s.h.clock.set(openTimeMs + HOUR);
      await s.paper.onPrice(s.symbol, {
        openTimeMs,
        open: '39500',
        high: '39500',
        low: '38500',
        close: '38600',
        volume: '100000000',
      });

      // Meanwhile the position's stop level changes (a new entry's proposal): the stop is resized.
      const position = (await s.position())!;
      await setProtection(s.h.database.db, 'paper', s.symbol, { ...position.protection, stopLoss: '38000' });
      await syncProtectiveStop(s.deps, s.symbol);

      const held = (await heldPositionOf(s.h.database.db, 'paper', s.symbol))?.quantity ?? new Decimal(0);
      expect(held.toFixed()).toBe('0');
      // Resting reduce-only quantity must never exceed the position.
      expect((await s.restingReduceOnly()).lte(held)).toBe(true);
    },
    scaled(60_000),
  );

  it(
    'a stop whose cancel got no answer, though the exchange canceled it, is replaced in the same sync',
    async () => {
      s = await PositionScenario.start();
      await s.enter('0.1', '39000');
      await s.bar(flatBar('40000'));
      const [old] = await s.workingStops();
      expect(old).toMatchObject({ status: 'open', triggerPrice: '39000' });

      // The exchange acts on the cancel, then the answer is lost (a 5xx, a dropped connection).
      const cancel = s.paper.cancelOrder.bind(s.paper);
      s.paper.cancelOrder = async (id, signal) => {
        await cancel(id, signal);
        throw new TriplegainError('EXCHANGE_UNAVAILABLE', 'kraken CancelOrder: 502 Bad Gateway', { requestSent: true });
      };
      const position = (await s.position())!;
      await setProtection(s.h.database.db, 'paper', s.symbol, { ...position.protection, stopLoss: '38000' });

      expect(await syncProtectiveStop(s.deps, s.symbol)).toMatchObject({ status: 'protected', triggerPrice: '38000' });
      expect(
        (await s.orders())
          .filter((o) => o.purpose === 'stop_loss')
          .map((o) => `${o.triggerPrice} ${o.status}`)
          .sort(),
      ).toEqual(['38000 open', '39000 canceled']);
      expect(await s.audit()).toEqual([]);
    },
    scaled(60_000),
  );

  it(
    'a stop whose AddOrder answer was lost, though the exchange took it, is found at once and counts as resting',
    async () => {
      s = await PositionScenario.start();
      const sc = s;
      const place = sc.paper.placeOrder.bind(sc.paper);
      sc.paper.placeOrder = async (r, signal) => {
        const placed = await place(r, signal);
        if (r.type === 'stop-loss')
          throw new TriplegainError('TIMEOUT', 'kraken AddOrder: no answer in time', { requestSent: true });
        return placed;
      };
      await sc.enter('0.1', '39000');
      await sc.bar(flatBar('40000'));

      // No reconciliation ran: the one look after the lost answer found the stop.
      expect((await sc.workingStops()).map((o) => `${o.quantity} ${o.status}`)).toEqual(['0.1 open']);
      expect(await syncProtectiveStop(sc.deps, sc.symbol)).toMatchObject({ status: 'protected' });
      expect(await sc.audit()).toEqual([]);
    },
    scaled(60_000),
  );
  it(
    "an exit's fill recorded while the next exit is sized is never sold again: what is held and what is in flight come from one snapshot",
    async () => {
      s = await PositionScenario.start();
      await s.enter('0.1', '39000');
      await s.bar(flatBar('40000'));
      // A close of the whole position is working (paper fills it on the next bar).
      const first = await exitPosition(s.deps, {
        symbol: s.symbol,
        key: 'close-1',
        purpose: 'exit',
        cause: 'operator',
        fenceIntent: 'exit',
        correlationId: 'c',
      });
      expect(first).toMatchObject({ status: 'submitted' });
      const closeId = first!.order.clientOrderId;

      // Reconciliation records that close's fill (on its own connection, no position lock)
      // after the position and its pending fills were read, before the exits in flight are.
      const sc = s;
      const fillLands = () =>
        applyOrderEvent(sc.h.database.db, closeId, {
          kind: 'fill',
          fill: { fillId: `${closeId}:1`, quantity: '0.1', price: '40000', feeUsd: '0', filledAtMs: sc.h.clock.now() },
        }).then(() => undefined);
      const read = await exitablePositionOf(fillBetweenReads(sc.h.database.db, 2, fillLands), 'paper', s.symbol);
      expect((await s.orders()).find((o) => o.clientOrderId === closeId)?.status).toBe('filled');
      // Before it (held 0.1, 0.1 in flight) or after it (held 0, nothing in flight): never held 0.1 with nothing in flight.
      expect(read!.held.quantity.minus(read!.pending.quantity).toFixed()).toBe('0');
    },
    scaled(60_000),
  );
});

/**
 * `db` (and its transactions) running `between` (once, to completion, on `db` itself: another
 * connection) just before its `after`+1-th query runs: a write committed between two reads.
 */
function fillBetweenReads(db: Db, after: number, between: () => Promise<void>): Db {
  let selects = 0;
  let done: Promise<void> | null = null;
  const gate = () => (done ??= between());
  const call = (fn: unknown, self: unknown, args: unknown[]): unknown =>
    (fn as (...a: unknown[]) => unknown).apply(self, args);
  // The query built from the gated select: it runs once `between` is done.
  const gated = <T extends object>(target: T): T =>
    new Proxy(target, {
      get(t, prop) {
        const value: unknown = Reflect.get(t, prop, t);
        if (typeof value !== 'function') return value;
        if (prop === 'then')
          return (resolve: unknown, reject: unknown) => gate().then(() => call(value, t, [resolve, reject]));
        return (...args: unknown[]) => {
          const result = call(value, t, args);
          return result !== null && typeof result === 'object' ? gated(result) : result;
        };
      },
    });
  // Counts the selects of `target` (the database, or a transaction of it) and gates the one after `after`.
  const counting = <T extends object>(target: T): T =>
    new Proxy(target, {
      get(t, prop) {
        const value: unknown = Reflect.get(t, prop, t);
        if (typeof value !== 'function') return value;
        if (prop === 'select') {
          return (...args: unknown[]) => {
            selects += 1;
            const builder = call(value, t, args) as object;
            return selects === after + 1 ? gated(builder) : builder;
          };
        }
        if (prop === 'transaction')
          return (work: (tx: object) => unknown, config?: unknown) =>
            call(value, t, [(tx: object) => work(counting(tx)), config]);
        return (value as (...a: unknown[]) => unknown).bind(t);
      },
    });
  return counting(db);
}
