import { eq, sql } from 'drizzle-orm';
import { orders } from '../../src/db/schema/orders.ts';
import { afterEach, describe, expect, it } from 'vitest';
import {
  clearProtectionPending,
  markProtectionPending,
  protectionPendingReasons,
} from '../../src/control/protection-pending.ts';
import { enterSubmission } from '../../src/control/submission-fence.ts';
import { systemEvents } from '../../src/db/schema/system-events.ts';
import { reconcileOrders } from '../../src/execution/reconcile-orders.ts';
import { reprotectPositions } from '../../src/execution/reprotect-positions.ts';
import { loadOrder, loadOrderEvents } from '../../src/orders/order-reads.ts';
import type { JobContext } from '../../src/queues/define-queue.ts';
import { silentLogger } from '../../src/shared/logger.ts';
import { TriplegainError } from '../../src/shared/triplegain-error.ts';
import { startWorkerRole } from '../../src/runtime/start-worker-role.ts';
import { reconcileHandlers } from '../../src/workers/handlers/reconcile-handlers.ts';
import { flatBar, PositionScenario } from '../support/position-scenario.ts';
import { createTestRedis, type TestRedis } from '../support/test-redis.ts';
import { waitFor } from '../support/wait-for.ts';
import { scaled } from '../support/test-timing.ts';

/** A worker process's role on the scenario's stores, with no task queue: its start and stop steps alone. */
function startIdleWorker(s: PositionScenario) {
  const h = s.h;
  const rt = {
    config: h.config,
    logger: silentLogger,
    clock: h.clock,
    redis: h.t.redis,
    redisUrl: h.t.url,
    keys: h.t.keys,
    bus: h.t.bus,
    database: h.database.database,
    close: async () => {},
  };
  return startWorkerRole(rt, { queues: [], overrides: { clock: h.clock, candles: h.deps.candles } });
}

/** Why the fence denied an order, as its last event recorded it. */
async function denialOf(s: PositionScenario, clientOrderId: string): Promise<unknown> {
  const events = await loadOrderEvents(s.h.database.db, clientOrderId);
  return (events.at(-1)?.payload as { reason?: unknown } | undefined)?.reason;
}

/** A position whose resting stop the exchange canceled (its dead man's switch fired) while our books still say it rests. */
async function aPositionWhoseStopWasCanceled(): Promise<PositionScenario> {
  const s = await PositionScenario.start();
  await s.enter('0.1', '39000');
  await s.bar(flatBar('40000'));
  const [stop] = await s.workingStops();
  expect(stop).toMatchObject({ status: 'open', quantity: '0.1' });
  await s.paper.cancelOrder(stop!.exchangeOrderId!);
  return s;
}

describe('re-protection after the exchange may have canceled the stops', () => {
  let s: PositionScenario | undefined;
  afterEach(async () => {
    await s?.cleanup();
    s = undefined;
  });

  it(
    "places every open position's stop again before an entry is admitted",
    async () => {
      s = await aPositionWhoseStopWasCanceled();
      const sc = s;
      // The re-protection is held at its first look at the exchange, and an entry tried meanwhile.
      let reached!: () => void;
      let release!: () => void;
      const atExchange = new Promise<void>((resolve) => (reached = resolve));
      const gate = new Promise<void>((resolve) => (release = resolve));
      const openOrders = sc.paper.openOrders.bind(sc.paper);
      sc.paper.openOrders = async (signal) => {
        reached();
        await gate;
        return openOrders(signal);
      };
      const reprotecting = reprotectPositions(sc.deps, 'dead-man-switch');
      await atExchange;
      const held = await sc.enter('0.05');
      expect((await loadOrder(sc.h.database.db, held))?.status).toBe('denied');
      expect(await denialOf(sc, held)).toBe('trading state PROTECTION_PENDING');

      sc.paper.openOrders = openOrders;
      release();
      const report = await reprotecting;
      expect(report.complete).toBe(true);
      expect(report.stops['BTC/USD']).toMatchObject({ status: 'protected', quantity: '0.1' });
      // The canceled stop is learnt, and a new one rests for the whole position.
      expect(
        (await sc.orders())
          .filter((o) => o.purpose === 'stop_loss')
          .map((o) => o.status)
          .sort(),
      ).toEqual(['canceled', 'open']);
      expect(await protectionPendingReasons(sc.h.t.redis, sc.h.t.keys)).toEqual([]);

      const admitted = await sc.enter('0.05');
      expect((await loadOrder(sc.h.database.db, admitted))?.status).toBe('open');
      const [stop] = await sc.workingStops();
      expect(stop!.createdAt.getTime()).toBeLessThanOrEqual(
        (await loadOrder(sc.h.database.db, admitted))!.createdAt.getTime(),
      );
    },
    scaled(60_000),
  );

  it(
    'keeps entries held and records why when a stop cannot be placed; the next reconciliation places it and admits them',
    async () => {
      s = await aPositionWhoseStopWasCanceled();
      const sc = s;
      const place = sc.paper.placeOrder.bind(sc.paper);
      sc.paper.placeOrder = (r, signal) =>
        r.type === 'stop-loss'
          ? Promise.reject(new TriplegainError('EXCHANGE_REJECTED', 'EOrder:Insufficient funds', { requestSent: true }))
          : place(r, signal);

      const report = await reprotectPositions(sc.deps, 'worker-start');
      expect(report.complete).toBe(false);
      expect(report.stops['BTC/USD']).toMatchObject({ status: 'unprotected' });
      expect(await protectionPendingReasons(sc.h.t.redis, sc.h.t.keys)).toEqual(['worker-start']);
      const recorded = await sc.h.database.db
        .select()
        .from(systemEvents)
        .where(eq(systemEvents.type, 'positions.protection_pending'));
      expect(recorded).toHaveLength(1);
      expect(recorded[0]!.message).toContain('BTC/USD');
      const held = await sc.enter('0.05');
      expect(await denialOf(sc, held)).toBe('trading state PROTECTION_PENDING');

      // The exchange takes stops again: the periodic reconciliation re-protects and lets entries go.
      sc.paper.placeOrder = place;
      const reconcile = reconcileHandlers({
        ...sc.deps,
        executionQueue: sc.h.queue('execution'),
        reconcileQueue: sc.h.queue('reconcile'),
      });
      await reconcile.run({ reason: 'schedule' }, { logger: silentLogger } as unknown as JobContext);
      expect(await protectionPendingReasons(sc.h.t.redis, sc.h.t.keys)).toEqual([]);
      expect((await sc.workingStops()).map((o) => [o.quantity, o.status])).toEqual([['0.1', 'open']]);
      const admitted = await sc.enter('0.05');
      expect((await loadOrder(sc.h.database.db, admitted))?.status).toBe('open');
    },
    scaled(60_000),
  );
});

describe('the periodic reconciliation', () => {
  let s: PositionScenario | undefined;
  afterEach(async () => {
    await s?.cleanup();
    s = undefined;
  });

  it(
    'places the stop again as soon as it learns that a stop whose outcome was unknown never arrived, not at the next bar',
    async () => {
      s = await PositionScenario.start();
      const sc = s;
      const place = sc.paper.placeOrder.bind(sc.paper);
      // The stop's create call ends without an answer: the exchange may or may not have it.
      sc.paper.placeOrder = (r, signal) =>
        r.type === 'stop-loss' ? Promise.reject(new TriplegainError('TIMEOUT', 'no answer in time')) : place(r, signal);
      await sc.enter('0.1', '39000');
      await sc.bar(flatBar('40000'));
      const [lost] = (await sc.orders()).filter((o) => o.purpose === 'stop_loss');
      expect(lost).toMatchObject({ status: 'unknown' });
      sc.paper.placeOrder = place;
      const reconcile = reconcileHandlers({
        ...sc.deps,
        executionQueue: sc.h.queue('execution'),
        reconcileQueue: sc.h.queue('reconcile'),
      });

      // Too early to tell (the order could still arrive): a pass is added for the moment it can be told.
      const early = await reconcile.run({ reason: 'schedule' }, { logger: silentLogger } as unknown as JobContext);
      expect(early.notFound).toEqual([]);
      expect(early.decidableInMs).toBeGreaterThan(0);
      const followUps = await sc.h.queue('reconcile').getDelayed();
      expect(followUps.map((j) => j.data)).toEqual([{ reason: 'follow-up' }]);
      expect(followUps[0]!.opts.delay).toBeGreaterThanOrEqual(early.decidableInMs!);

      // Long enough ago that a late arrival is ruled out.
      await sc.h.database.db
        .update(orders)
        .set({ statusChangedAt: sql`now() - interval '10 minutes'` })
        .where(eq(orders.clientOrderId, lost!.clientOrderId));
      await reconcile.run({ reason: 'follow-up' }, { logger: silentLogger } as unknown as JobContext);
      expect((await loadOrder(sc.h.database.db, lost!.clientOrderId))?.status).not.toBe('unknown');
      expect((await sc.workingStops()).map((o) => [o.quantity, o.status])).toEqual([['0.1', 'open']]);
    },
    scaled(60_000),
  );
});

describe('a worker starting', () => {
  let s: PositionScenario | undefined;
  afterEach(async () => {
    await s?.cleanup();
    s = undefined;
  });

  it(
    "re-places every open position's stop before it starts its task workers",
    async () => {
      s = await aPositionWhoseStopWasCanceled();
      const h = s.h;
      const role = await startIdleWorker(s);
      try {
        // Done by the time the workers run: the cancel learnt, a stop resting again, entries admitted.
        expect(
          (await s.orders())
            .filter((o) => o.purpose === 'stop_loss')
            .map((o) => o.status)
            .sort(),
        ).toEqual(['canceled', 'open']);
        expect((await s.workingStops()).map((o) => [o.quantity, o.status])).toEqual([['0.1', 'open']]);
        expect(await protectionPendingReasons(h.t.redis, h.t.keys)).toEqual([]);
      } finally {
        await role.stop();
      }
    },
    scaled(60_000),
  );
});

describe('a worker stopping', () => {
  let s: PositionScenario | undefined;
  afterEach(async () => {
    await s?.cleanup();
    s = undefined;
  });

  it(
    'takes in a fill recorded and not yet in its position before it stops: its books pass the audit',
    async () => {
      s = await PositionScenario.start();
      const h = s.h;
      await s.enter('0.1', '39000');
      await s.bar(flatBar('40000'));
      const role = await startIdleWorker(s);
      // The stop fills on the exchange and a reconciliation records the fill; no bar comes after it.
      const openTimeMs = h.clock.now();
      h.clock.set(openTimeMs + 3_600_000);
      await s.paper.onPrice(s.symbol, {
        openTimeMs,
        open: '39500',
        high: '39500',
        low: '38500',
        close: '38600',
        volume: '100000000',
      });
      await reconcileOrders({ db: h.database.db, exchange: s.paper, clock: h.clock, logger: silentLogger });
      expect((await s.audit()).map((v) => v.invariant)).toContain('fill_applied_once');

      await role.stop();
      expect(await s.audit()).toEqual([]);
      expect(await s.position()).toBeUndefined();
    },
    scaled(60_000),
  );
});

describe('the submission fence while protection is pending', () => {
  let t: TestRedis;
  afterEach(async () => {
    await t.cleanup();
  });

  it('refuses entries and admits exits and close-outs; a re-protection clears only what was marked before it', async () => {
    t = await createTestRedis();
    const enter = (intent: 'entry' | 'exit' | 'flatten', id: string) =>
      enterSubmission(t, { submissionId: id, intent, ttlMs: 5_000 });
    const before = await markProtectionPending(t.redis, t.keys, 'worker-start');
    expect(await enter('entry', 'e1')).toEqual({ admitted: false, state: 'PROTECTION_PENDING' });
    expect((await enter('exit', 'x1')).admitted).toBe(true);

    // Marked again while the first re-protection ran: its completion does not clear it.
    const later = await waitFor(async () => {
      const at = await markProtectionPending(t.redis, t.keys, 'dead-man-switch');
      return at > before ? at : 0;
    }, 'a mark on a later millisecond of the Redis clock');
    await clearProtectionPending(t.redis, t.keys, before);
    expect(await protectionPendingReasons(t.redis, t.keys)).toEqual(['dead-man-switch']);
    await clearProtectionPending(t.redis, t.keys, later);
    expect(await protectionPendingReasons(t.redis, t.keys)).toEqual([]);
    expect((await enter('entry', 'e2')).admitted).toBe(true);
  });
});
