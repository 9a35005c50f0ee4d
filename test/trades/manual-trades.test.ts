import { eq } from 'drizzle-orm';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { systemClock } from '../../src/clock/clock.ts';
import { orders } from '../../src/db/schema/orders.ts';
import { positions } from '../../src/db/schema/positions.ts';
import { riskDecisions } from '../../src/db/schema/risk-decisions.ts';
import { systemEvents } from '../../src/db/schema/system-events.ts';
import { explainChain } from '../../src/explain/explain-chain.ts';
import { renderExplanation } from '../../src/explain/render-explanation.ts';
import { loadOrder } from '../../src/orders/order-reads.ts';
import { silentLogger } from '../../src/shared/logger.ts';
import { TriplegainError } from '../../src/shared/triplegain-error.ts';
import { renderTradeOutcome } from '../../src/trades/render-trade-outcome.ts';
import { TradeDesk } from '../../src/trades/trade-desk.ts';
import { TradeOutcome } from '../../src/trades/trade-outcome.ts';
import { flatBar, PositionScenario } from '../support/position-scenario.ts';
import { scaled } from '../support/test-timing.ts';

/**
 * Manual trades on the real stores, the real risk and execution workers and the paper exchange:
 * each request goes through risk and execution like an agents' proposal, and its chain is explained.
 */
describe('manual trades that still pass risk', () => {
  let s: PositionScenario;
  let desk: TradeDesk;

  beforeEach(async () => {
    s = await PositionScenario.start({ price: '40000' });
    await s.h.control.recover(s.h.database.db);
    await s.h.startWorkers(['risk', 'execution'], { exchange: s.paper });
    desk = new TradeDesk({
      config: s.h.config,
      db: s.h.database.db,
      bus: s.h.t.bus,
      redis: s.h.t.redis,
      keys: s.h.t.keys,
      riskQueue: s.h.queue('risk'),
      executionQueue: s.h.queue('execution'),
      instruments: s.h.deps.instruments,
      clock: systemClock,
      logger: silentLogger,
    });
  });
  afterEach(async () => {
    await s.cleanup();
  });

  /** What a refused request wrote: risk jobs and decisions (none expected). */
  async function written(): Promise<{ riskJobs: number; decisions: number }> {
    const counts = await s.h.queue('risk').getJobCounts();
    return {
      riskJobs: Object.values(counts).reduce((a, b) => a + b, 0),
      decisions: (await s.h.database.db.select().from(riskDecisions)).length,
    };
  }

  async function refusal(work: Promise<unknown>): Promise<TriplegainError> {
    const err = await work.then(
      () => undefined,
      (e: unknown) => e,
    );
    expect(err).toBeInstanceOf(TriplegainError);
    return err as TriplegainError;
  }

  it(
    'opens an approved position through risk and execution: filled on the next bar, its stop resting, explained with source operator',
    async () => {
      const opened = await desk.open({ pair: 'BTC/USD', usd: '250', stopPct: '2%', takeProfitPct: '4%' }, 'cli:tester');
      expect(TradeOutcome.parse(opened)).toEqual(opened);
      expect(opened).toMatchObject({
        action: 'open',
        status: 'placed',
        proposal: {
          source: 'operator',
          requestedBy: 'cli:tester',
          side: 'buy',
          intent: 'entry',
          notionalUsd: '250',
          entryPrice: '40000',
          stopLoss: '39200',
          takeProfit: '41600',
        },
        risk: { decision: 'approved', quantity: '0.00625', notionalUsd: '250', reasons: [] },
        order: { side: 'buy', type: 'market', quantity: '0.00625', status: 'open', reduceOnly: false },
      });
      expect(opened.summary).toContain('approved for 0.00625');

      await s.bar(flatBar('40000'));
      expect(await s.position()).toMatchObject({
        side: 'long',
        quantity: '0.00625',
        protection: { stopLoss: '39200', takeProfit: '41600' },
      });
      expect((await s.workingStops()).map((o) => [o.side, o.quantity, o.triggerPrice, o.status])).toEqual([
        ['sell', '0.00625', '39200', 'open'],
      ]);
      expect(await loadOrder(s.h.database.db, opened.order!.clientOrderId)).toMatchObject({
        status: 'filled',
        filledQuantity: '0.00625',
      });

      const explained = await explainChain(s.h.database.db, opened.proposalId!);
      expect(explained.risk?.proposal).toMatchObject({ source: 'operator', requestedBy: 'cli:tester' });
      expect(explained.orders.map((o) => o.purpose)).toContain('entry');
      const text = renderExplanation(explained);
      expect(text).toContain('none: a manual trade by cli:tester (source operator)');
      expect(text).toContain('proposal from source operator (by cli:tester): buy entry BTC/USD at 40000, size 250 USD');
      expect(await s.audit()).toEqual([]);
    },
    scaled(60_000),
  );

  it(
    'is denied by risk while PAUSED, and without a stop loss: every reason given, no order',
    async () => {
      await s.h.control.apply('pause', { requestedBy: 'test' });
      const paused = await desk.open({ pair: 'BTC/USD', usd: '250', stopPct: '2' }, 'http');
      expect(paused).toMatchObject({ status: 'denied', risk: { decision: 'denied', quantity: null }, order: null });
      expect(paused.risk!.reasons.map((r) => r.rule)).toEqual(['cluster_state']);
      expect(paused.summary).toContain('denied by risk: cluster_state: the cluster is PAUSED');
      // A denial keeps the caps risk applied on the way: they can be why an order came out too small.
      const capped = await desk.open({ pair: 'BTC/USD', usd: '20000', stopPct: '2' }, 'http');
      expect(capped.status).toBe('denied');
      expect(capped.risk!.adjustments.map((a) => a.rule)).toContain('max_order_notional');
      expect(renderTradeOutcome(capped)).toMatch(/^ +capped by max_order_notional: 20000 → /m);

      await s.h.control.apply('resume', { requestedBy: 'test' });
      const noStop = await desk.open({ pair: 'BTC/USD', usd: '250' }, 'http');
      expect(noStop.status).toBe('denied');
      expect(noStop.risk!.reasons.map((r) => r.rule)).toEqual(['stop_loss_required']);

      expect(await s.h.database.db.select().from(orders)).toEqual([]);
      const explained = await explainChain(s.h.database.db, paused.proposalId!);
      expect(explained.risk).toMatchObject({ decision: 'denied', proposal: { source: 'operator' } });
    },
    scaled(60_000),
  );

  it(
    'closes half of a position: a reduce-only sell of half of what is held, the stop resized to what is left',
    async () => {
      await desk.open({ pair: 'BTC/USD', usd: '250', stopPct: '2%' }, 'cli:tester');
      await s.bar(flatBar('40000'));
      const position = await s.position();
      expect(position?.quantity).toBe('0.00625');

      const closed = await desk.close({ pair: 'BTC/USD', pct: '50%' }, 'cli:tester');
      expect(closed).toMatchObject({
        action: 'close',
        status: 'placed',
        proposal: { source: 'operator', side: 'sell', intent: 'exit', exitPct: 50 },
        risk: { decision: 'approved', quantity: '0.003125' },
        order: { side: 'sell', quantity: '0.003125', reduceOnly: true },
      });
      await s.bar(flatBar('40000'));
      expect(await s.position()).toMatchObject({ side: 'long', quantity: '0.003125' });
      expect((await s.workingStops()).map((o) => [o.quantity, o.status])).toEqual([['0.003125', 'open']]);

      // By its id, the rest: the position closes and its stop goes with it.
      const [row] = await s.h.database.db.select().from(positions);
      const rest = await desk.close({ positionId: row!.id }, 'http');
      expect(rest).toMatchObject({ status: 'placed', risk: { quantity: '0.003125' } });
      await s.bar(flatBar('40000'));
      expect(await s.position()).toBeUndefined();
      expect(await s.workingStops()).toEqual([]);
      expect(await s.audit()).toEqual([]);
    },
    scaled(90_000),
  );

  it(
    "cancels a resting order through the execution queue, by client or exchange id, and refuses to cancel a position's stop",
    async () => {
      const limit = await s.place({
        clientOrderId: 'resting-limit-1',
        side: 'buy',
        type: 'limit',
        intent: 'entry',
        purpose: 'entry',
        quantity: '0.001',
        limitPrice: '30000',
      });
      expect(limit.order.status).toBe('open');
      const canceled = await desk.cancel({ order: limit.order.exchangeOrderId! }, 'cli:tester');
      expect(canceled).toMatchObject({
        action: 'cancel',
        status: 'canceled',
        cancel: { status: 'canceled', clientOrderId: 'resting-limit-1', orderStatus: 'canceled' },
      });
      expect((await s.paper.findByClientOrderId('resting-limit-1'))?.status).toBe('canceled');
      const events = await s.h.database.db
        .select()
        .from(systemEvents)
        .where(eq(systemEvents.type, 'order.cancel_requested'));
      expect(events.map((e) => e.details)).toEqual([
        expect.objectContaining({ clientOrderId: 'resting-limit-1', requestedBy: 'cli:tester' }),
      ]);

      // Again: nothing left to cancel.
      const again = await desk.cancel({ order: 'resting-limit-1' }, 'cli:tester');
      expect(again).toMatchObject({
        status: 'not_canceled',
        cancel: { status: 'not_working', orderStatus: 'canceled' },
      });

      await desk.open({ pair: 'BTC/USD', usd: '250', stopPct: '2%' }, 'cli:tester');
      await s.bar(flatBar('40000'));
      const [stop] = await s.workingStops();
      const refused = await desk.cancel({ order: stop!.clientOrderId }, 'cli:tester');
      expect(refused).toMatchObject({ status: 'refused', cancel: { status: 'refused', orderStatus: 'open' } });
      expect(refused.summary).toContain('protective stop');
      expect((await s.workingStops()).map((o) => o.status)).toEqual(['open']);
    },
    scaled(60_000),
  );

  it(
    'refuses every trade while HALTED before anything is written',
    async () => {
      await s.h.control.apply('halt', { requestedBy: 'test', drainTimeoutMs: 0 });
      for (const attempt of [
        desk.open({ pair: 'BTC/USD', usd: '250', stopPct: '2%' }, 'http'),
        desk.close({ pair: 'BTC/USD' }, 'http'),
        desk.cancel({ order: 'whatever-order' }, 'http'),
      ]) {
        const err = await refusal(attempt);
        expect(err.code).toBe('COMMAND_REFUSED');
        expect(err.message).toMatch(/^cannot (open|close|cancel) while HALTED: /);
      }
      expect(await written()).toEqual({ riskJobs: 0, decisions: 0 });
    },
    scaled(30_000),
  );

  it(
    'refuses to trade while the trading state is unknown (lost from Redis): fail closed',
    async () => {
      await s.h.t.redis.del(s.h.t.keys.controlState);
      const err = await refusal(desk.open({ pair: 'BTC/USD', usd: '250', stopPct: '2%' }, 'http'));
      expect(err.code).toBe('CONTROL_STATE_UNKNOWN');
      expect(await written()).toEqual({ riskJobs: 0, decisions: 0 });
    },
    scaled(30_000),
  );

  it(
    'refuses bad inputs with a clear error, writing nothing',
    async () => {
      const bad: [() => Promise<unknown>, RegExp][] = [
        [() => desk.open({ pair: 'BTC/USD', usd: '-5', stopPct: '2' }, 't'), /usd: expected a positive decimal amount/],
        [() => desk.open({ pair: 'BTC/USD', usd: '0', stopPct: '2' }, 't'), /usd: expected a positive decimal amount/],
        [
          () => desk.open({ pair: 'BTC/USD', usd: '1e3', stopPct: '2' }, 't'),
          /usd: expected a positive decimal amount/,
        ],
        [() => desk.open({ pair: 'BTC/USD', usd: 250 }, 't'), /usd: expected an amount in USD as a decimal string/],
        [() => desk.open({ pair: 'BTC/USD' }, 't'), /usd: expected an amount in USD/],
        [
          () => desk.open({ pair: 'DOGE/USD', usd: '250', stopPct: '2' }, 't'),
          /unknown pair "DOGE\/USD": this cluster trades BTC\/USD/,
        ],
        [
          () => desk.open({ pair: 'BTC/USD', usd: '250', stopPct: '100%' }, 't'),
          /stopPct: the stop must be above 0 and below 100/,
        ],
        [
          () => desk.open({ pair: 'BTC/USD', usd: '250', stopPct: 'two' }, 't'),
          /stopPct: expected the stop as a percentage/,
        ],
        [() => desk.open({ pair: 'BTC/USD', usd: '250', leverage: 3 }, 't'), /Unrecognized key/],
        [() => desk.close({ pair: 'BTC/USD', positionId: 1 }, 't'), /exactly one of positionId or pair/],
        [() => desk.close({}, 't'), /exactly one of positionId or pair/],
        [
          () => desk.close({ pair: 'BTC/USD', pct: '0' }, 't'),
          /pct: the share to close must be above 0 and at most 100/,
        ],
        [
          () => desk.close({ pair: 'BTC/USD', pct: '150%' }, 't'),
          /pct: the share to close must be above 0 and at most 100/,
        ],
        [() => desk.close({ pair: 'BTC/USD' }, 't'), /no open BTC\/USD position on paper/],
        [() => desk.close({ positionId: 99 }, 't'), /no position #99 on paper/],
        [
          () => desk.cancel({ order: 'no-such-order' }, 't'),
          /no order on paper has the client or exchange order id "no-such-order"/,
        ],
        [() => desk.cancel({}, 't'), /order: expected the client or exchange order id/],
      ];
      for (const [attempt, message] of bad) {
        const err = await refusal(attempt());
        expect(['INPUT_INVALID', 'NOT_FOUND']).toContain(err.code);
        expect(err.message).toMatch(message);
      }
      expect(await written()).toEqual({ riskJobs: 0, decisions: 0 });
    },
    scaled(30_000),
  );

  it(
    'decides a request sent twice with the same request id once',
    async () => {
      const first = await desk.open(
        { pair: 'BTC/USD', usd: '250', stopPct: '2%', requestId: 'button-press-0001' },
        'http',
      );
      const second = await desk.open(
        { pair: 'BTC/USD', usd: '250', stopPct: '2%', requestId: 'button-press-0001' },
        'http',
      );
      expect(second.proposalId).toBe(first.proposalId);
      expect(second.order?.clientOrderId).toBe(first.order?.clientOrderId);
      expect(await s.h.database.db.select().from(riskDecisions)).toHaveLength(1);
      expect(await s.h.database.db.select().from(orders)).toHaveLength(1);
    },
    scaled(60_000),
  );
});
