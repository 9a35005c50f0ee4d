// npm run bench:pipeline — (1) an approved proposal → order on the paper exchange → fill on
// the next price → position updated, through the real execution worker, the bus and the
// positions service on PostgreSQL (p50, p99; target p50 ≤ 25 ms); (2) replay throughput: the
// demo's bar-by-bar replay through the whole pipeline, in pair-bars per second, with the SQL
// statements and Redis commands each pair-bar costs.
import { cpus, totalmem } from 'node:os';
import { PGlite } from '@electric-sql/pglite';
import { Queue } from 'bullmq';
import { Decimal } from 'decimal.js';
import { sql } from 'drizzle-orm';
import { Redis } from 'ioredis';
import { Bus } from '../src/bus/bus.ts';
import { ManualClock } from '../src/clock/clock.ts';
import { AppConfig } from '../src/config/app-config.ts';
import { ControlPlane } from '../src/control/control-plane.ts';
import { migrateDatabase } from '../src/db/migrate-database.ts';
import { openDatabase } from '../src/db/open-database.ts';
import { positionFills } from '../src/db/schema/position-fills.ts';
import { riskDecisions } from '../src/db/schema/risk-decisions.ts';
import { DegradationMonitor } from '../src/degradation/degradation-monitor.ts';
import { runDemo } from '../src/demo/run-demo.ts';
import { PaperExchange } from '../src/exchange/paper/paper-exchange.ts';
import { createKeys } from '../src/keys.ts';
import { createModelPanel } from '../src/panel/create-model-panel.ts';
import { saveCandles } from '../src/market/candle-store.ts';
import { replayCandleSource } from '../src/market/candle-source.ts';
import { ReplayFeed } from '../src/market/replay-feed.ts';
import { exchangePortfolio } from '../src/portfolio/exchange-portfolio.ts';
import { startPositionsService } from '../src/positions-service/positions-service.ts';
import { OrderProposal } from '../src/risk/order-proposal.ts';
import { silentLogger } from '../src/shared/logger.ts';
import { startTaskWorkers } from '../src/workers/start-task-workers.ts';
import { createTestSchema, dropTestSchema, testDatabaseUrl } from '../test/support/test-database.ts';
import { deleteKeysWithPrefix } from '../test/support/test-redis.ts';
import { percentile as percentileOf } from '../src/shared/percentile.ts';
import { shippedBookOf } from '../src/market/instrument-book.ts';

const url = process.env.REDIS_URL ?? 'redis://127.0.0.1:6379';
const ROUNDS = Number(process.env.BENCH_ROUNDS ?? 200);
const DAYS = Number(process.env.BENCH_DAYS ?? 10);
const HOUR_MS = 3_600_000;

const percentile = (values: number[], p: number) => percentileOf(values, p) ?? Number.NaN;
const stats = (values: number[]) => {
  const s = [...values].sort((a, b) => a - b);
  return `p50 ${percentile(s, 50).toFixed(2)} ms  p99 ${percentile(s, 99).toFixed(2)} ms  max ${s.at(-1)!.toFixed(2)} ms  (n=${s.length})`;
};
console.log(
  `bench:pipeline  node ${process.version}, ${cpus().length}× ${cpus()[0]?.model ?? '?'}, ${(totalmem() / 2 ** 30).toFixed(0)} GiB, redis ${url.replace(/:[^/@:]+@/, ':***@')}`,
);

async function proposalToPosition(): Promise<void> {
  const keys = createKeys(`tgbench-${process.pid}-pipe`);
  const schema = await createTestSchema();
  const database = await openDatabase({
    url: process.env.DATABASE_URL || testDatabaseUrl,
    searchPath: schema,
    maxConnections: 10,
  });
  await migrateDatabase(database, { migrationsSchema: schema });
  const redis = new Redis(url, { enableAutoPipelining: true });
  const connection = new Redis(url, { maxRetriesPerRequest: null });
  const config = AppConfig.parse({ symbols: { pairs: ['BTC/USD'] }, portfolio: { targets: { BTC: 50, USD: 50 } } });
  const startMs = Date.UTC(2024, 0, 10);
  const clock = new ManualClock(startMs);
  const bus = new Bus({ redis, keys, service: 'bench', config: config.bus, logger: silentLogger });
  try {
    const db = database.db;
    const paper = new PaperExchange({
      db,
      config: { ...config.execution.paper, cashAsset: 'USD' },
      clock,
      instruments: shippedBookOf(config),
    });
    const degradation = new DegradationMonitor({
      redis,
      keys,
      bus,
      config: config.degradation,
      clock,
      logger: silentLogger,
    });
    const { gateway, panel } = createModelPanel(config, { db, clock, logger: silentLogger });
    const control = new ControlPlane({ redis, keys, connection, bus, logger: silentLogger });
    const portfolio = exchangePortfolio({ db, exchange: paper, account: 'paper', cashAsset: 'USD', timeframe: '1h' });
    const deps = {
      config,
      db,
      bus,
      redis,
      connection,
      keys,
      clock,
      logger: silentLogger,
      candles: replayCandleSource(new ReplayFeed({ files: {}, timeframe: '1h', clock })),
      gateway,
      panel,
      degradation,
      instruments: shippedBookOf(config),
    };
    const workers = await startTaskWorkers(deps, {
      queues: ['execution'],
      risk: { control, portfolio },
      exchange: paper,
    });
    await startPositionsService({
      config,
      db,
      bus,
      redis,
      keys,
      clock,
      logger: silentLogger,
      exchange: paper,
      instruments: shippedBookOf(config),
    });
    const execution = new Queue('execution', { connection, prefix: keys.queuePrefix });

    let barMs = startMs;
    const publishBar = async (price: string) => {
      barMs += HOUR_MS;
      clock.set(barMs + HOUR_MS);
      const bar = {
        timeframe: '1h' as const,
        openTimeMs: barMs,
        open: price,
        high: price,
        low: price,
        close: price,
        volume: '1000',
        trades: 10,
        gapFilled: false,
      };
      await saveCandles(db, [{ ...bar, symbol: 'BTC/USD' }], 'replay');
      await bus.publish('market.candle_closed', bar, { symbol: 'BTC/USD', source: 'bench' });
    };
    await publishBar('40000');
    const applied = async () => Number((await db.select({ n: sql<number>`count(*)` }).from(positionFills))[0]!.n);
    const waitUntil = async (check: () => Promise<boolean>) => {
      for (;;) {
        if (await check()) return;
        await new Promise((r) => setTimeout(r, 1));
      }
    };
    const latencies: number[] = [];
    const orderLegs: number[] = [];
    const fillLegs: number[] = [];
    for (let i = 0; i < ROUNDS + 10; i++) {
      // Alternate buys and sells of 0.01 BTC: the position goes up and down, never away.
      const side = i % 2 === 0 ? 'buy' : 'sell';
      const proposal = OrderProposal.parse({
        proposalId: `prop-bench-${i}`,
        signalId: `bench-${i}`,
        correlationId: `bench-${i}`,
        symbol: 'BTC/USD',
        side,
        intent: side === 'buy' ? 'entry' : 'exit',
        entryPrice: '40000',
        stopLoss: null,
        takeProfit: null,
        sizePct: 4,
        leverage: 1,
        confidence: 0.9,
        regime: null,
        createdAtMs: clock.now(),
      });
      await db.insert(riskDecisions).values({
        decisionId: `appr-${proposal.proposalId}`,
        proposalId: proposal.proposalId,
        signalId: proposal.signalId,
        correlationId: proposal.correlationId,
        symbol: 'BTC/USD',
        decision: 'approved',
        proposal,
        notionalUsd: '400',
        quantity: '0.01',
        adjustments: [],
        reasons: [],
        riskState: {},
      });
      const before = await applied();
      const t0 = performance.now();
      const job = await execution.add(
        'submit',
        { decisionId: `appr-${proposal.proposalId}`, proposalId: proposal.proposalId },
        { jobId: `exec-${i}` },
      );
      await waitUntil(async () => (await execution.getJobState(job.id!)) === 'completed');
      const t1 = performance.now();
      // The next price: the paper exchange fills the market order on it.
      await publishBar(new Decimal(40000).plus(i % 7).toFixed());
      await waitUntil(async () => (await applied()) > before);
      const t2 = performance.now();
      if (i >= 10) {
        latencies.push(t2 - t0);
        orderLegs.push(t1 - t0);
        fillLegs.push(t2 - t1);
      }
    }
    console.log(
      `approved proposal → paper order → next price → fill recorded → position updated: ${ROUNDS} rounds after 10 warm-up (PostgreSQL)`,
    );
    console.log(`  whole path:                          ${stats(latencies)}   (target p50 ≤ 25 ms)`);
    console.log(`  approval → order open on the exchange: ${stats(orderLegs)}`);
    console.log(`  next bar published → position updated: ${stats(fillLegs)}`);
    await workers.close(1_000);
    await execution.close();
  } finally {
    await bus.close(1_000);
    await deleteKeysWithPrefix(redis, keys.prefix);
    redis.disconnect();
    connection.disconnect();
    await database.close();
    await dropTestSchema(schema);
  }
}

/** SQL statements PGlite is sent (Parse and simple Query messages), counted in its protocol. */
let statementsSent = 0;
const sendRaw = PGlite.prototype.execProtocolRaw;
PGlite.prototype.execProtocolRaw = function (this: PGlite, message: Uint8Array, ...rest: unknown[]) {
  for (let at = 0; at + 5 <= message.length; ) {
    const type = message[at]!;
    if (type === 0x50 || type === 0x51) statementsSent++;
    at += 1 + new DataView(message.buffer, message.byteOffset + at + 1, 4).getUint32(0);
  }
  return (sendRaw as (...args: unknown[]) => ReturnType<typeof sendRaw>).call(this, message, ...rest);
} as typeof sendRaw;

async function redisCommandsProcessed(redis: Redis): Promise<number> {
  return Number(/total_commands_processed:(\d+)/.exec(await redis.info('stats'))![1]);
}

/** One replay of `days` days, with what it cost. */
async function replayOf(days: number, redis: Redis) {
  const statementsBefore = statementsSent;
  const commandsBefore = await redisCommandsProcessed(redis);
  const started = performance.now();
  const report = await runDemo({ from: '2021-11-01', days, reportDir: '.data/reports' });
  return {
    report,
    seconds: (performance.now() - started) / 1000,
    pairBars: report.period.bars * report.pairs.length,
    statements: statementsSent - statementsBefore,
    // Every command the Redis server processed meanwhile: run the bench on a Redis of its own.
    redisCommands: (await redisCommandsProcessed(redis)) - commandsBefore - 1,
  };
}

async function replayThroughput(): Promise<void> {
  const redis = new Redis(url);
  try {
    // A short replay first: the difference to the long one is the per-bar cost, startup
    // (the runtime, the migrated database, the history) left out.
    const short = await replayOf(1, redis);
    const long = await replayOf(DAYS, redis);
    const pairBars = long.pairBars - short.pairBars;
    const seconds = long.seconds - short.seconds;
    const { report } = long;
    console.log(
      `replay: ${DAYS} days of ${report.pairs.join(' and ')} hourly candles, bar by bar through the whole pipeline (in-memory PGlite, as the demo)`,
    );
    console.log(
      `  ${long.pairBars} pair-bars in ${long.seconds.toFixed(1)} s, startup included: ${(long.pairBars / long.seconds).toFixed(1)} pair-bars/s (${report.trades.fills} fills, ${report.risk.approved + report.risk.denied} risk decisions)`,
    );
    console.log(
      `  per pair-bar, from the difference to a 1-day replay (${short.seconds.toFixed(1)} s): ${(pairBars / seconds).toFixed(1)} pair-bars/s, ${((seconds * 1000) / pairBars).toFixed(1)} ms each; startup about ${(short.seconds - (short.pairBars * seconds) / pairBars).toFixed(1)} s`,
    );
    console.log(
      `  per pair-bar: ${((long.statements - short.statements) / pairBars).toFixed(1)} SQL statements, ${((long.redisCommands - short.redisCommands) / pairBars).toFixed(0)} Redis commands`,
    );
  } finally {
    redis.disconnect();
  }
}

const which = process.env.BENCH_ONLY;
if (!which || which === 'latency') await proposalToPosition();
if (!which || which === 'replay') await replayThroughput();
