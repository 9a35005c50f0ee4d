// npm run bench:risk — (1) the pure risk engine per proposal (p50, p99; target p99 ≤ 100 µs);
// (2) a trading signal published → the risk decision stored, through the bus, the coordinator,
// the risk queue and the risk worker (p50, p99; target p50 ≤ 15 ms), beside bare BullMQ
// add → completed measured in the same run; (3) kill-switch latency: `halt` issued → every
// order queue paused and no submission under way, over 20 trials.
import { cpus, totalmem } from 'node:os';
import { Queue, Worker } from 'bullmq';
import { Decimal } from 'decimal.js';
import { Redis } from 'ioredis';
import { Bus } from '../src/bus/bus.ts';
import { systemClock } from '../src/clock/clock.ts';
import { AppConfig } from '../src/config/app-config.ts';
import { RiskConfig } from '../src/config/sections/risk-config.ts';
import { ControlPlane } from '../src/control/control-plane.ts';
import { startCoordinator } from '../src/coordinator/coordinator-service.ts';
import { migrateDatabase } from '../src/db/migrate-database.ts';
import { openDatabase } from '../src/db/open-database.ts';
import { DegradationMonitor } from '../src/degradation/degradation-monitor.ts';
import { createKeys } from '../src/keys.ts';
import { createModelPanel } from '../src/panel/create-model-panel.ts';
import { saveCandles } from '../src/market/candle-store.ts';
import { replayCandleSource } from '../src/market/candle-source.ts';
import { ReplayFeed } from '../src/market/replay-feed.ts';
import { evaluateRisk } from '../src/risk/evaluate-risk.ts';
import { OrderProposal } from '../src/risk/order-proposal.ts';
import { untradedAccount } from '../src/risk/portfolio-reader.ts';
import { RiskContext } from '../src/risk/risk-context.ts';
import { initialRiskState } from '../src/risk/risk-state.ts';
import { silentLogger } from '../src/shared/logger.ts';
import { startTaskWorkers } from '../src/workers/start-task-workers.ts';
import { createTestSchema, dropTestSchema, testDatabaseUrl } from '../test/support/test-database.ts';
import { deleteKeysWithPrefix } from '../test/support/test-redis.ts';
import { percentile as percentileOf } from '../src/shared/percentile.ts';
import { shippedBookOf } from '../src/market/instrument-book.ts';

const url = process.env.REDIS_URL ?? 'redis://127.0.0.1:6379';
const PURE_N = Number(process.env.BENCH_PROPOSALS ?? 100_000);
const ROUNDS = Number(process.env.BENCH_ROUNDS ?? 300);
const TRIALS = 20;

const percentile = (values: number[], p: number) => percentileOf(values, p) ?? Number.NaN;
const stats = (values: number[], unit: 'µs' | 'ms') => {
  const s = [...values].sort((a, b) => a - b);
  const f = (v: number) => `${v.toFixed(unit === 'µs' ? 1 : 2)} ${unit}`;
  return `p50 ${f(percentile(s, 50))}  p99 ${f(percentile(s, 99))}  max ${f(s.at(-1)!)}  (n=${s.length})`;
};
console.log(
  `bench:risk  node ${process.version}, ${cpus().length}× ${cpus()[0]?.model ?? '?'}, ${(totalmem() / 2 ** 30).toFixed(0)} GiB, redis ${url.replace(/:[^/@:]+@/, ':***@')}`,
);

/** (1) evaluateRisk alone, on a mix of proposals: approved as is, capped, denied, with positions. */
function pureEngine(): void {
  const config = RiskConfig.parse({});
  const nowMs = Date.UTC(2025, 0, 15, 12);
  const base = {
    proposalId: 'p',
    signalId: 's',
    correlationId: 'c',
    symbol: 'BTC/USD',
    side: 'buy',
    intent: 'entry',
    entryPrice: '50000',
    stopLoss: '49000',
    takeProfit: '53000',
    sizePct: 10,
    leverage: 1,
    confidence: 0.8,
    regime: 'ranging',
    createdAtMs: nowMs,
  } as const;
  const proposals = [
    OrderProposal.parse(base),
    OrderProposal.parse({ ...base, sizePct: 60, leverage: 3 }), // capped several times
    OrderProposal.parse({ ...base, stopLoss: null, confidence: 0.3 }), // denied twice
    OrderProposal.parse({ ...base, symbol: 'XRP/USD', entryPrice: '0.5', stopLoss: '0.49', takeProfit: '0.53' }),
  ];
  const positions = [
    { symbol: 'ETH/USD', side: 'long', notionalUsd: '1500', leverage: 1 },
    { symbol: 'SOL/USD', side: 'short', notionalUsd: '800', leverage: 2 },
    { symbol: 'XRP/USD', side: 'long', notionalUsd: '400', leverage: 1 },
  ] as const;
  const contexts = [
    RiskContext.parse({
      equityUsd: '10000',
      marketPrice: '50000',
      openPositions: [],
      state: initialRiskState('10000', nowMs),
      clusterState: 'RUNNING',
      nowMs,
    }),
    RiskContext.parse({
      equityUsd: '10000',
      marketPrice: '50000',
      openPositions: positions,
      state: initialRiskState('10000', nowMs),
      clusterState: 'RUNNING',
      nowMs,
    }),
  ];
  // Each proposal at its own pair's market price: the engine sizes at the market, and denies a price far from it.
  const cases = proposals.flatMap((p) => contexts.map((c) => ({ p, c: { ...c, marketPrice: p.entryPrice } })));
  for (let i = 0; i < 20_000; i++) evaluateRisk(cases[i % cases.length]!.p, cases[i % cases.length]!.c, config); // warm-up
  const samples: number[] = [];
  for (let i = 0; i < PURE_N; i++) {
    const { p, c } = cases[i % cases.length]!;
    const t0 = process.hrtime.bigint();
    evaluateRisk(p, c, config);
    samples.push(Number(process.hrtime.bigint() - t0) / 1_000);
  }
  console.log(
    `pure risk engine: ${PURE_N} proposals (${cases.length} kinds: approved, capped, denied, with 0 or 3 positions) after 20000 warm-up`,
  );
  console.log(`  evaluateRisk: ${stats(samples, 'µs')}   (target p99 ≤ 100 µs)`);
}

/** (2) + (3) through Redis and PostgreSQL. */
async function pipeline(): Promise<void> {
  const keys = createKeys(`tgbench-${process.pid}-risk`);
  const bareKeys = createKeys(`tgbench-${process.pid}-bare`);
  const schema = await createTestSchema();
  const database = await openDatabase({
    url: process.env.DATABASE_URL || testDatabaseUrl,
    searchPath: schema,
    maxConnections: 10,
  });
  await migrateDatabase(database, { migrationsSchema: schema });
  const redis = new Redis(url, { enableAutoPipelining: true });
  const connection = new Redis(url, { maxRetriesPerRequest: null });
  const config = AppConfig.parse({
    symbols: { pairs: ['BTC/USD'] },
    portfolio: { targets: { BTC: 50, USD: 50 } },
    bus: { blockMs: 1_000 },
  });
  const bus = new Bus({ redis, keys, service: 'bench', config: config.bus, logger: silentLogger });
  try {
    const price = '40000';
    await saveCandles(
      database.db,
      [
        {
          symbol: 'BTC/USD',
          timeframe: '1h',
          openTimeMs: Date.UTC(2022, 0, 1),
          open: price,
          high: price,
          low: price,
          close: price,
          volume: '1',
          trades: 1,
          gapFilled: false,
        },
      ],
      'replay',
    );
    const degradation = new DegradationMonitor({
      redis,
      keys,
      bus,
      config: config.degradation,
      clock: systemClock,
      logger: silentLogger,
    });
    const { gateway, panel } = createModelPanel(config, { db: database.db, clock: systemClock, logger: silentLogger });
    const control = new ControlPlane({ redis, keys, connection, bus, logger: silentLogger });
    const portfolio = untradedAccount(config.execution.paper.startingCashUsd);
    const riskJobs = new Queue('risk', { connection, prefix: keys.queuePrefix });
    const deps = {
      config,
      db: database.db,
      bus,
      redis,
      connection,
      keys,
      clock: systemClock,
      logger: silentLogger,
      candles: replayCandleSource(new ReplayFeed({ files: {}, timeframe: '1h', clock: systemClock })),
      gateway,
      panel,
      degradation,
      instruments: shippedBookOf(config),
    };
    const workers = await startTaskWorkers(deps, { queues: ['risk'], risk: { control, portfolio } });
    await startCoordinator({
      config,
      db: database.db,
      bus,
      clock: systemClock,
      logger: silentLogger,
      gateway,
      control,
      degradation,
      portfolio,
      riskQueue: riskJobs,
    });

    // Decisions land on risk_alerts right after they are stored.
    const decided = new Map<string, (atMs: number) => void>();
    await bus.subscribe({
      topic: 'risk_alerts',
      service: 'bench-observer',
      handler: async (m) => {
        // Approvals and denials carry the signal id; breaker trips do not.
        if ('signalId' in m.payload) decided.get(m.payload.signalId)?.(performance.now());
      },
    });
    const signal = (i: number) => ({
      signalId: `bench-${i}`,
      action: 'BUY' as const,
      confidence: 0.8,
      entryPrice: price,
      stopLoss: new Decimal(price).times(0.98).toFixed(),
      takeProfit: new Decimal(price).times(1.04).toFixed(),
      sizePct: 0.1,
      leverage: 1,
      votes: [{ model: 'rules', action: 'BUY' as const, confidence: 0.8 }],
      abstentions: [],
    });
    const ours: number[] = [];
    for (let i = 0; i < ROUNDS + 20; i++) {
      const done = new Promise<number>((resolve) => decided.set(`bench-${i}`, resolve));
      const t0 = performance.now();
      await bus.publish('decision.signal_emitted', signal(i), { symbol: 'BTC/USD', source: 'bench' });
      const t1 = await done;
      if (i >= 20) ours.push(t1 - t0);
    }

    // Bare BullMQ: add → completed (seen by the worker's own event), same Redis, same process.
    const bareQueue = new Queue('bare', { connection, prefix: bareKeys.queuePrefix });
    const waiting = new Map<string, (atMs: number) => void>();
    const bareWorker = new Worker('bare', async () => 'ok', { connection, prefix: bareKeys.queuePrefix });
    bareWorker.on('completed', (job) => waiting.get(job.id!)?.(performance.now()));
    await bareWorker.waitUntilReady();
    const bare: number[] = [];
    for (let i = 0; i < ROUNDS + 20; i++) {
      const done = new Promise<number>((resolve) => waiting.set(`j${i}`, resolve));
      const t0 = performance.now();
      await bareQueue.add('j', { i }, { jobId: `j${i}` });
      const t1 = await done;
      if (i >= 20) bare.push(t1 - t0);
    }
    console.log(
      `signal → risk decision stored: ${ROUNDS} signals one at a time after 20 warm-up (bus → coordinator → risk job → worker → Postgres → decision published)`,
    );
    console.log(`  bare BullMQ add → completed:        ${stats(bare, 'ms')}`);
    console.log(`  triplegain signal → risk decision:  ${stats(ours, 'ms')}   (target p50 ≤ 15 ms)`);
    const ratio =
      percentile(
        [...ours].sort((a, b) => a - b),
        50,
      ) /
      percentile(
        [...bare].sort((a, b) => a - b),
        50,
      );
    console.log(`  p50 ratio to bare BullMQ: ${ratio.toFixed(1)}×`);
    await bareWorker.close();
    await bareQueue.close();

    // (3) halt → every order queue paused (and the drain of submissions under way, none here).
    const halts: number[] = [];
    for (let i = 0; i < TRIALS; i++) {
      const t0 = performance.now();
      await control.apply('halt', { requestedBy: 'bench' });
      halts.push(performance.now() - t0);
      await control.apply('reset', { requestedBy: 'bench' });
      await control.apply('resume', { requestedBy: 'bench' });
    }
    console.log(`kill switch: halt issued → state HALTED, 7 queues paused, no submission under way; ${TRIALS} trials`);
    console.log(`  halt: ${stats(halts, 'ms')}`);

    await workers.close(1_000);
    await riskJobs.close();
  } finally {
    await bus.close(1_000);
    await deleteKeysWithPrefix(redis, keys.prefix);
    await deleteKeysWithPrefix(redis, bareKeys.prefix);
    redis.disconnect();
    connection.disconnect();
    await database.close();
    await dropTestSchema(schema);
  }
}

const which = process.env.BENCH_ONLY;
if (!which || which === 'pure') pureEngine();
if (!which || which === 'pipeline') await pipeline();
