import { createServer, type Socket } from 'node:net';
import { Queue } from 'bullmq';
import type { Redis } from 'ioredis';
import { afterEach, beforeEach, describe, expect } from 'vitest';
import { it } from '../support/fixtures.ts';
import { z } from 'zod';
import { AppConfig } from '../../src/config/app-config.ts';
import { DashboardConfig } from '../../src/config/sections/dashboard-config.ts';
import { ControlPlane } from '../../src/control/control-plane.ts';
import { startDashboard, type Dashboard } from '../../src/dashboard/start-dashboard.ts';
import { openDatabase, type Db } from '../../src/db/open-database.ts';
import { fills, llmCalls, orders, portfolioSnapshots, riskDecisions } from '../../src/db/schema/index.ts';
import { KrakenRateLimiter } from '../../src/kraken/kraken-rate-limiter.ts';
import { createMetricsRouter } from '../../src/metrics/create-metrics-router.ts';
import { recordBreakerTrip } from '../../src/metrics/record-breaker-trip.ts';
import { defineQueue } from '../../src/queues/define-queue.ts';
import { initialRiskState } from '../../src/risk/risk-state.ts';
import { silentLogger } from '../../src/shared/logger.ts';
import { createQueueWorker } from '../../src/workers/create-queue-worker.ts';
import { anOrderRow } from '../audit/audit-builders.ts';
import { aTaSignal } from '../support/builders.ts';
import { scrapeMetrics } from '../support/scrape-metrics.ts';
import { createTestBus, type TestBus } from '../support/test-bus.ts';
import { bullConnection } from '../support/test-queues.ts';
import { waitFor } from '../support/wait-for.ts';
import { scaled } from '../support/test-timing.ts';

const TOKEN = 'metrics-token-for-tests';

/** A catalog queue name with a job of the test's own, run by a real worker. */
const echoQueue = defineQueue({
  name: 'reconcile',
  description: 'test queue: echoes a note',
  jobs: {
    echo: {
      description: 'echo',
      data: z.object({ note: z.string() }).strict(),
      result: z.object({ echoed: z.string() }).strict(),
    },
  },
  attempts: 1,
  backoffMs: 10,
  keep: { completed: 100, failed: 100 },
  concurrency: 1,
  timeoutMs: () => 5_000,
});

describe('GET /metrics', () => {
  let t: TestBus;
  let connection: Redis;
  let control: ControlPlane;
  const closers: (() => Promise<void>)[] = [];

  beforeEach(async () => {
    t = await createTestBus({ config: { maxDeliveries: 1 } });
    connection = bullConnection(t.url);
    control = new ControlPlane({ redis: t.redis, keys: t.keys, connection, bus: t.bus, logger: silentLogger });
  });
  afterEach(async () => {
    for (const close of closers.splice(0).reverse()) await close();
    connection.disconnect();
    await t.cleanup();
  });

  /** The dashboard as the dashboard role starts it, with `/metrics` reading `db`. */
  async function start(
    options: { token?: string; db?: () => Promise<Db>; sourceTimeoutMs?: number } = {},
  ): Promise<Dashboard> {
    const config = AppConfig.parse({
      metrics: { token: options.token ?? TOKEN, sourceTimeoutMs: options.sourceTimeoutMs ?? 5_000 },
    });
    const metrics = createMetricsRouter({
      config,
      redis: t.redis,
      connection,
      keys: t.keys,
      control,
      db: options.db,
      logger: silentLogger,
    });
    closers.push(() => metrics.close());
    const dashboard = await startDashboard({
      config: { ...DashboardConfig.parse({}), port: 0 },
      connection,
      keys: t.keys,
      logger: silentLogger,
      metrics: metrics.router,
    });
    closers.push(() => dashboard.close());
    return dashboard;
  }

  it('answers 403 saying how to turn it on while no token is configured, even to a caller bearing one', async () => {
    const dashboard = await start({ token: '' });
    for (const authorization of [undefined, `Bearer ${TOKEN}`, 'Bearer ']) {
      const res = await fetch(`${dashboard.url}/metrics`, { headers: authorization ? { authorization } : {} });
      expect(res.status).toBe(403);
      expect(((await res.json()) as { error: string }).error).toContain('METRICS_TOKEN');
    }
  });

  it('answers 401 to a missing, wrong or non-bearer credential, and serves nothing', async () => {
    const dashboard = await start();
    for (const authorization of [
      undefined,
      'Bearer wrong',
      `Bearer ${TOKEN}x`,
      `Bearer ${TOKEN.slice(0, -1)}`,
      TOKEN,
      `Basic ${Buffer.from(`admin:${TOKEN}`).toString('base64')}`,
    ]) {
      const res = await fetch(`${dashboard.url}/metrics`, { headers: authorization ? { authorization } : {} });
      expect(res.status, authorization).toBe(401);
      expect(res.headers.get('www-authenticate')).toBe('Bearer');
      expect(await res.text()).not.toContain('triplegain_');
    }
  });

  describe('with a database', () => {
    it('exports the cluster as the stores hold it: jobs, durations, bus, orders, fills, risk, models, state, equity and rate limits', async ({
      database: d,
    }) => {
      // A job completed through a real queue and worker, which records its duration.
      const queue = new Queue(echoQueue.name, { connection, prefix: t.keys.queuePrefix });
      closers.push(() => queue.close());
      const worker = createQueueWorker(
        echoQueue,
        { echo: async (data) => ({ echoed: data.note }) },
        { connection, keys: t.keys, redis: t.redis, config: AppConfig.parse({}), logger: silentLogger },
        { concurrency: 1 },
      );
      closers.push(() => worker.close(1_000));
      await queue.add('echo', { note: 'hi' });
      await waitFor(
        async () => (await t.redis.hget(t.keys.jobDurations('reconcile'), 'completed|count')) === '1',
        'the job duration',
      );

      // A message dead-lettered by a consumer group whose handler fails.
      await t.bus.subscribe({
        topic: 'ta_signals',
        service: 'coordinator',
        handler: () => Promise.reject(new Error('poison')),
      });
      await t.bus.publish('ta.signal_emitted', aTaSignal(), { symbol: 'BTC/USD' });
      await waitFor(async () => (await t.redis.xlen(t.keys.dlq('ta_signals'))) === 1, 'the dead letter');

      // Rows the workers write.
      const at = new Date('2026-03-01T12:00:00Z');
      await d.db
        .insert(orders)
        .values([
          anOrderRow({ clientOrderId: 'o-1', status: 'filled', filledQuantity: '0.01' }),
          anOrderRow({ clientOrderId: 'o-2', purpose: 'stop_loss', type: 'stop-loss', cause: 'stop', status: 'open' }),
        ]);
      await d.db.insert(fills).values({
        fillId: 'f-1',
        clientOrderId: 'o-1',
        symbol: 'BTC/USD',
        side: 'buy',
        quantity: '0.01',
        price: '40000',
        feeUsd: '1.6',
        filledAt: at,
      });
      const decision = {
        signalId: 's',
        correlationId: 'c',
        symbol: 'BTC/USD',
        proposal: {},
        adjustments: [],
        riskState: {},
      };
      await d.db.insert(riskDecisions).values([
        { ...decision, decisionId: 'appr-p1', proposalId: 'p1', decision: 'approved', reasons: [] },
        {
          ...decision,
          decisionId: 'deny-p2',
          proposalId: 'p2',
          decision: 'denied',
          reasons: [
            { rule: 'max_exposure', message: 'too much' },
            { rule: 'min_confidence', message: 'too unsure' },
          ],
        },
        {
          ...decision,
          decisionId: 'deny-p3',
          proposalId: 'p3',
          decision: 'denied',
          reasons: [{ rule: 'max_exposure', message: 'too much' }],
        },
      ]);
      const call = {
        occurredAt: at,
        provider: 'deepseek',
        model: 'deepseek-chat',
        purpose: 'decision',
        latencyMs: 100,
      };
      await d.db.insert(llmCalls).values([
        { ...call, outcome: 'ok', inputTokens: 1_000, outputTokens: 200, costUsd: '0.0015' },
        { ...call, outcome: 'invalid', inputTokens: 500, outputTokens: 100, costUsd: '0.00075' },
      ]);
      const snapshot = {
        account: 'paper',
        cashUsd: '6000',
        exposureUsd: '4000',
        unrealizedPnlUsd: '12.5',
        realizedPnlUsd: '0',
        feesUsd: '1.6',
        positions: [],
      };
      await d.db.insert(portfolioSnapshots).values([
        { ...snapshot, at: new Date('2026-03-01T11:00:00Z'), equityUsd: '9000' },
        { ...snapshot, at, equityUsd: '10012.5' },
      ]);

      // State the control plane, the degradation monitor and the risk worker keep in Redis.
      await control.apply('pause', { requestedBy: 'test', reason: 'metrics test' });
      await t.redis.set(
        t.keys.degradation,
        JSON.stringify({ level: 'REDUCED', consecutiveFailures: 3, consecutiveSuccesses: 0, failing: {} }),
      );
      const risk = initialRiskState('10000', at.getTime());
      await t.redis.set(
        t.keys.riskStateMirror,
        JSON.stringify({
          account: 'paper',
          ...risk,
          breakers: { ...risk.breakers, dailyLoss: { tripped: true, trippedAtMs: at.getTime(), lossPct: '5.1' } },
        }),
      );
      await recordBreakerTrip(t.redis, t.keys, 'dailyLoss');
      await new KrakenRateLimiter({
        redis: t.redis,
        key: t.keys.rateLimit('kraken:public'),
        maxCounter: 2,
        decayPerSec: 1,
      }).tryAcquire(1);

      const dashboard = await start({ db: async () => d.db });
      const m = await scrapeMetrics(dashboard.url, TOKEN);

      for (const source of [
        'queues',
        'job_durations',
        'bus',
        'cluster_state',
        'rate_limits',
        'orders',
        'fills',
        'risk_decisions',
        'model_calls',
        'equity',
      ]) {
        expect(m.value('triplegain_scrape_source_up', { source }), source).toBe(1);
      }
      expect(m.value('triplegain_queue_jobs', { queue: 'reconcile', state: 'completed' })).toBe(1);
      expect(m.value('triplegain_queue_jobs', { queue: 'reconcile', state: 'failed' })).toBe(0);
      // The pause paused the managed queues.
      expect(m.value('triplegain_queue_paused', { queue: 'decision' })).toBe(1);
      expect(m.value('triplegain_queue_paused', { queue: 'reconcile' })).toBe(0);
      const job = { queue: 'reconcile', outcome: 'completed' };
      expect(m.value('triplegain_job_duration_seconds_count', job)).toBe(1);
      expect(m.value('triplegain_job_duration_seconds_bucket', { ...job, le: '+Inf' })).toBe(1);
      expect(m.value('triplegain_job_duration_seconds_bucket', { ...job, le: '300' })).toBe(1);
      expect(m.value('triplegain_job_duration_seconds_sum', job)).toBeLessThan(5);
      expect(
        m.sample('triplegain_job_duration_seconds_count', { queue: 'reconcile', outcome: 'failed' }),
      ).toBeUndefined();
      expect(m.families.get('triplegain_job_duration_seconds')?.type).toBe('HISTOGRAM');

      const group = { topic: 'ta_signals', group: 'coordinator' };
      expect(m.value('triplegain_bus_dead_lettered_total', group)).toBe(1);
      expect(m.value('triplegain_bus_dead_letters', { topic: 'ta_signals' })).toBe(1);
      expect(m.value('triplegain_bus_pending', group)).toBe(0);
      expect(m.value('triplegain_bus_lag', group)).toBe(0);
      expect(m.value('triplegain_bus_messages_total', { ...group, outcome: 'delivered' })).toBe(1);
      expect(m.value('triplegain_bus_stream_length', { topic: 'ta_signals' })).toBe(1);

      expect(m.value('triplegain_orders', { purpose: 'entry', status: 'filled' })).toBe(1);
      expect(m.value('triplegain_orders', { purpose: 'stop_loss', status: 'open' })).toBe(1);
      expect(m.value('triplegain_fills_total', { symbol: 'BTC/USD', side: 'buy' })).toBe(1);
      expect(m.value('triplegain_fill_notional_usd_total', { symbol: 'BTC/USD', side: 'buy' })).toBe(400);
      expect(m.value('triplegain_fill_fees_usd_total', { symbol: 'BTC/USD', side: 'buy' })).toBe(1.6);
      expect(m.value('triplegain_risk_decisions_total', { outcome: 'approved', reason: 'none' })).toBe(1);
      expect(m.value('triplegain_risk_decisions_total', { outcome: 'denied', reason: 'max_exposure' })).toBe(2);
      expect(m.sample('triplegain_risk_decisions_total', { reason: 'min_confidence' })).toBeUndefined();

      const model = { provider: 'deepseek', model: 'deepseek-chat' };
      expect(m.value('triplegain_model_calls_total', { ...model, outcome: 'ok' })).toBe(1);
      expect(m.value('triplegain_model_calls_total', { ...model, outcome: 'invalid' })).toBe(1);
      expect(m.value('triplegain_model_tokens_total', { ...model, direction: 'input' })).toBe(1_500);
      expect(m.value('triplegain_model_tokens_total', { ...model, direction: 'output' })).toBe(300);
      expect(m.value('triplegain_model_cost_usd_total', model)).toBe(0.00225);

      expect(m.value('triplegain_trading_state', { state: 'PAUSED' })).toBe(1);
      expect(m.value('triplegain_trading_state', { state: 'RUNNING' })).toBe(0);
      expect(m.value('triplegain_degradation_level', { level: 'REDUCED' })).toBe(1);
      expect(m.value('triplegain_degradation_level', { level: 'NORMAL' })).toBe(0);
      expect(m.value('triplegain_risk_trading_state', { account: 'paper', state: 'ACTIVE' })).toBe(1);
      expect(m.value('triplegain_breaker_tripped', { breaker: 'dailyLoss' })).toBe(1);
      expect(m.value('triplegain_breaker_tripped', { breaker: 'drawdown' })).toBe(0);
      expect(m.value('triplegain_breaker_trips_total', { breaker: 'dailyLoss' })).toBe(1);
      expect(m.value('triplegain_breaker_trips_total', { breaker: 'weeklyLoss' })).toBe(0);

      expect(m.value('triplegain_equity_usd', { account: 'paper' })).toBe(10_012.5);
      expect(m.value('triplegain_cash_usd', { account: 'paper' })).toBe(6_000);
      expect(m.value('triplegain_equity_snapshot_timestamp_seconds', { account: 'paper' })).toBe(at.getTime() / 1_000);

      // One unit spent of the public counter's 2 (1 a second comes back): between 1 and 2 left.
      const headroom = m.value('triplegain_rate_limit_headroom', { counter: 'kraken:public' })!;
      expect(headroom).toBeGreaterThanOrEqual(1);
      expect(headroom).toBeLessThan(2);
      expect(m.value('triplegain_rate_limit_max', { counter: 'kraken:public' })).toBe(2);
    });
  });

  it('reports an unreachable database as down (up 0, its series absent) and serves the rest', async () => {
    // Nothing listens on port 1: every connection is refused at once.
    const dashboard = await start({
      db: async () => (await openDatabase({ url: 'postgres://postgres@127.0.0.1:1/none', connectTimeoutMs: 1_000 })).db,
    });
    const m = await scrapeMetrics(dashboard.url, TOKEN);
    for (const source of ['orders', 'fills', 'risk_decisions', 'model_calls', 'equity'])
      expect(m.value('triplegain_scrape_source_up', { source }), source).toBe(0);
    for (const source of ['queues', 'bus', 'cluster_state', 'rate_limits', 'job_durations'])
      expect(m.value('triplegain_scrape_source_up', { source }), source).toBe(1);
    expect(m.sample('triplegain_orders')).toBeUndefined();
    expect(m.sample('triplegain_equity_usd')).toBeUndefined();
    expect(m.value('triplegain_trading_state', { state: 'RUNNING' })).toBe(1);
    expect(m.value('triplegain_queue_jobs', { queue: 'risk', state: 'waiting' })).toBe(0);
  });

  it('answers within its time limit when a source hangs, reporting that source down', async () => {
    // A "database" that accepts connections and never says a word.
    const sockets = new Set<Socket>();
    const silent = createServer((socket) => sockets.add(socket));
    await new Promise<void>((resolve) => silent.listen(0, '127.0.0.1', resolve));
    closers.push(async () => {
      for (const socket of sockets) socket.destroy();
      await new Promise<void>((resolve) => silent.close(() => resolve()));
    });
    const port = (silent.address() as { port: number }).port;
    const dashboard = await start({
      sourceTimeoutMs: 300,
      db: async () =>
        (await openDatabase({ url: `postgres://postgres@127.0.0.1:${port}/none`, connectTimeoutMs: 20_000 })).db,
    });
    const startedMs = Date.now();
    const m = await scrapeMetrics(dashboard.url, TOKEN);
    expect(Date.now() - startedMs).toBeLessThan(scaled(3_000));
    expect(m.value('triplegain_scrape_source_up', { source: 'orders' })).toBe(0);
    // Cut off at its 300 ms: a timer fires on a millisecond clock, the duration is read on a finer one
    // (0.29997 s was seen), hence the 1 ms allowance.
    expect(m.value('triplegain_scrape_source_duration_seconds', { source: 'orders' })).toBeGreaterThanOrEqual(0.299);
    expect(m.value('triplegain_scrape_source_up', { source: 'bus' })).toBe(1);
  });
});
