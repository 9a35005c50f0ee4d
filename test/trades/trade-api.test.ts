import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { systemClock } from '../../src/clock/clock.ts';
import { DashboardConfig } from '../../src/config/sections/dashboard-config.ts';
import { createControlRouter } from '../../src/control/control-router.ts';
import { readStatus } from '../../src/status/read-status.ts';
import { startDashboard, type Dashboard } from '../../src/dashboard/start-dashboard.ts';
import { riskDecisions } from '../../src/db/schema/risk-decisions.ts';
import { silentLogger } from '../../src/shared/logger.ts';
import { TradeDesk } from '../../src/trades/trade-desk.ts';
import { TradeOutcome } from '../../src/trades/trade-outcome.ts';
import { flatBar, PositionScenario } from '../support/position-scenario.ts';
import { scaled } from '../support/test-timing.ts';

const TOKEN = 'control-token-for-trade-tests';

/**
 * Manual trades on the HTTP control API, as a page button will call it: the dashboard as the
 * dashboard role mounts it, over the real risk and execution workers and the paper exchange.
 */
describe('POST /control/trade/open|close|cancel', () => {
  let s: PositionScenario;
  let dashboard: Dashboard;

  beforeEach(async () => {
    s = await PositionScenario.start({ price: '40000' });
    await s.h.control.recover(s.h.database.db);
    await s.h.startWorkers(['risk', 'execution'], { exchange: s.paper });
    const desk = new TradeDesk({
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
    const control = s.h.control;
    const router = createControlRouter({
      control,
      token: TOKEN,
      status: () =>
        readStatus({
          redis: { redis: s.h.t.redis, keys: s.h.t.keys },
          database: { error: 'not read in this test' },
          account: 'paper',
          timeframe: '1h',
          nowMs: Date.now(),
          timeoutMs: 5_000,
        }),
      logger: silentLogger,
      trades: desk,
    });
    dashboard = await startDashboard({
      config: { ...DashboardConfig.parse({}), port: 0 },
      connection: s.h.deps.connection,
      keys: s.h.t.keys,
      logger: silentLogger,
      routes: [{ path: '/control', router }],
    });
  });
  afterEach(async () => {
    await dashboard.close();
    await s.cleanup();
  });

  async function post(
    path: string,
    body: unknown,
    token = TOKEN,
  ): Promise<{ status: number; json: Record<string, unknown> }> {
    const res = await fetch(`${dashboard.url}/control/trade/${path}`, {
      method: 'POST',
      headers: { authorization: `Bearer ${token}`, 'content-type': 'application/json' },
      body: typeof body === 'string' ? body : JSON.stringify(body),
    });
    return { status: res.status, json: (await res.json()) as Record<string, unknown> };
  }

  it(
    'opens a position (200, placed), closes half of it and answers a denial with its reasons',
    async () => {
      const opened = await post('open', { pair: 'BTC/USD', usd: '250', stopPct: '2%', takeProfitPct: '4%' });
      expect(opened.status).toBe(200);
      const outcome = TradeOutcome.parse(opened.json);
      expect(outcome).toMatchObject({
        status: 'placed',
        requestedBy: 'http',
        proposal: { source: 'operator', requestedBy: 'http' },
        risk: { decision: 'approved', quantity: '0.00625' },
        order: { status: 'open' },
      });
      await s.bar(flatBar('40000'));
      expect((await s.workingStops()).map((o) => [o.quantity, o.triggerPrice])).toEqual([['0.00625', '39200']]);

      const closed = await post('close', { pair: 'BTC/USD', pct: '50' });
      expect(closed.status).toBe(200);
      expect(closed.json).toMatchObject({
        status: 'placed',
        risk: { quantity: '0.003125' },
        order: { side: 'sell', reduceOnly: true },
      });

      await s.h.control.apply('pause', { requestedBy: 'test' });
      const denied = await post('open', { pair: 'BTC/USD', usd: '100', stopPct: '2%' });
      // Not a refused request: an answer, whose status says risk denied it.
      expect(denied.status, JSON.stringify(denied.json)).toBe(200);
      expect(denied.json).toMatchObject({ status: 'denied', order: null });
      expect(String(denied.json.summary)).toMatch(/^buy BTC\/USD denied by risk: cluster_state: the cluster is PAUSED/);
    },
    scaled(90_000),
  );

  it(
    'cancels a resting order (200, canceled)',
    async () => {
      const limit = await s.place({
        clientOrderId: 'resting-limit-api',
        side: 'buy',
        type: 'limit',
        intent: 'entry',
        purpose: 'entry',
        quantity: '0.001',
        limitPrice: '30000',
      });
      const canceled = await post('cancel', { order: limit.order.clientOrderId });
      expect(canceled.status).toBe(200);
      expect(canceled.json).toMatchObject({
        action: 'cancel',
        status: 'canceled',
        summary: 'order resting-limit-api is canceled',
        cancel: { orderStatus: 'canceled' },
      });
    },
    scaled(60_000),
  );

  it(
    'answers 202 with what it waits for while the risk queue holds the proposal',
    async () => {
      await s.h.queue('risk').pause();
      const pending = await post('open', { pair: 'BTC/USD', usd: '250', stopPct: '2%', waitMs: 300 });
      expect(pending.status).toBe(202);
      expect(pending.json).toMatchObject({
        status: 'pending',
        risk: null,
        waitingFor: { step: 'risk', jobState: 'waiting' },
      });
      expect(String(pending.json.summary)).toContain('the risk queue is paused');
      await s.h.queue('risk').resume();
    },
    scaled(30_000),
  );

  it(
    'refuses bad bodies (400), unknown positions (404), trades while HALTED (409) and callers without the token (401), writing nothing',
    async () => {
      const cases: [string, unknown, number, RegExp][] = [
        ['open', { pair: 'BTC/USD', usd: 250 }, 400, /usd: expected an amount in USD as a decimal string/],
        ['open', { pair: 'BTC/USD', usd: '-1' }, 400, /usd: expected a positive decimal amount/],
        ['open', { pair: 'LTC/USD', usd: '10', stopPct: '2' }, 400, /unknown pair "LTC\/USD"/],
        ['open', '{"pair":', 400, /the body is not valid JSON/],
        ['close', { pair: 'BTC/USD', positionId: 3 }, 400, /exactly one of positionId or pair/],
        ['close', { pair: 'BTC/USD', pct: '101' }, 400, /pct: the share to close must be above 0 and at most 100/],
        ['close', { positionId: 42 }, 404, /no position #42/],
        ['open', { pair: 'XRP/USD', usd: '100', stopPct: '2' }, 404, /no stored price for XRP\/USD yet/],
        ['cancel', { order: 'nope-nope' }, 404, /no order on paper/],
        ['flip', {}, 404, /unknown trade action "flip"; actions: open, close, cancel/],
      ];
      for (const [path, body, status, error] of cases) {
        const answer = await post(path, body);
        expect(answer.status, `${path} ${JSON.stringify(body)}`).toBe(status);
        expect(String(answer.json.error)).toMatch(error);
      }
      expect((await post('open', { pair: 'BTC/USD', usd: '250', stopPct: '2' }, 'wrong')).status).toBe(401);

      await s.h.control.apply('halt', { requestedBy: 'test', drainTimeoutMs: 0 });
      const halted = await post('open', { pair: 'BTC/USD', usd: '250', stopPct: '2' });
      expect(halted).toMatchObject({
        status: 409,
        json: { code: 'COMMAND_REFUSED', error: expect.stringMatching(/^cannot open while HALTED/) },
      });
      expect(await s.h.database.db.select().from(riskDecisions)).toEqual([]);
    },
    scaled(30_000),
  );
});
