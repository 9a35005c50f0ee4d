// npm run bench:schedule — (1) lateness of scheduled runs: a job scheduler every 1 s through
// the real path (syncSchedules → tick → exclusive fan-out → run) for BENCH_RUNS runs, with a
// bare BullMQ job scheduler + worker measured in the same run as the baseline; (2) how many
// symbols the TA task covers within its 60 s interval on one worker, with replayed candles
// in PostgreSQL (target ≥ 500).
import { cpus, totalmem } from 'node:os';
import { Queue, Worker } from 'bullmq';
import { Redis } from 'ioredis';
import { AppConfig } from '../src/config/app-config.ts';
import { SchedulesConfig } from '../src/config/sections/schedules-config.ts';
import { DegradationMonitor } from '../src/degradation/degradation-monitor.ts';
import { Bus } from '../src/bus/bus.ts';
import { ManualClock } from '../src/clock/clock.ts';
import { migrateDatabase } from '../src/db/migrate-database.ts';
import { openDatabase } from '../src/db/open-database.ts';
import { createKeys } from '../src/keys.ts';
import { createModelPanel } from '../src/panel/create-model-panel.ts';
import { saveCandles } from '../src/market/candle-store.ts';
import { replayCandleSource } from '../src/market/candle-source.ts';
import { ReplayFeed } from '../src/market/replay-feed.ts';
import { taAgent } from '../src/agents/ta/ta-agent.ts';
import { queueCatalog } from '../src/workers/task-queue-catalog.ts';
import { syncSchedules } from '../src/queues/sync-schedules.ts';
import { tickIdOf } from '../src/queues/tick-id.ts';
import { silentLogger } from '../src/shared/logger.ts';
import { createQueueWorker } from '../src/workers/create-queue-worker.ts';
import { fanOutTick } from '../src/workers/fan-out-tick.ts';
import { agentHandlers } from '../src/workers/handlers/agent-handlers.ts';
import type { TaskDeps } from '../src/workers/task-deps.ts';
import { aTaSignal } from '../test/support/builders.ts';
import { createTestSchema, dropTestSchema, testDatabaseUrl } from '../test/support/test-database.ts';
import { deleteKeysWithPrefix } from '../test/support/test-redis.ts';
import { projectRoot } from '../test/support/spawn-ts.ts';
import { percentile as percentileOf } from '../src/shared/percentile.ts';
import { shippedBookOf } from '../src/market/instrument-book.ts';

const taQueue = queueCatalog.ta;

const url = process.env.REDIS_URL ?? 'redis://127.0.0.1:6379';
const RUNS = Number(process.env.BENCH_RUNS ?? 100);
const SYMBOLS = Number(process.env.BENCH_SYMBOLS ?? 600);
const WINDOW_MS = 60_000;

const percentile = (values: number[], p: number) => percentileOf(values, p) ?? Number.NaN;
const summary = (values: number[]) => {
  const s = [...values].sort((a, b) => a - b);
  return `p50 ${percentile(s, 50).toFixed(1)} ms  p99 ${percentile(s, 99).toFixed(1)} ms  max ${s.at(-1)!.toFixed(1)} ms  (n=${s.length})`;
};
const dueOf = (job: { id?: string; timestamp: number }) => Number(tickIdOf(job));

console.log(
  `bench:schedule  node ${process.version}, ${cpus().length}× ${cpus()[0]?.model ?? '?'}, ${(totalmem() / 2 ** 30).toFixed(0)} GiB, redis ${url.replace(/:[^/@:]+@/, ':***@')}`,
);

/** (1) Lateness: due time of the scheduler's slot → the run's handler starting. */
async function lateness(): Promise<void> {
  const keys = createKeys(`tgbench-${process.pid}-late`);
  const base = createKeys(`tgbench-${process.pid}-bare`);
  const redis = new Redis(url);
  const connection = new Redis(url, { maxRetriesPerRequest: null });
  const ours: number[] = [];
  const ticks: number[] = [];
  const bare: number[] = [];
  let done: () => void;
  const finished = new Promise<void>((r) => (done = r));
  const check = () => ours.length >= RUNS && bare.length >= RUNS && done();

  const queue = new Queue(taQueue.name, { connection, prefix: keys.queuePrefix });
  const deps = { redis, keys, logger: silentLogger };
  const fanOut = fanOutTick({ ...deps, queue, definition: taQueue }, 'ta', () => ['BTC/USD']);
  const worker = createQueueWorker(
    taQueue,
    {
      tick: async (data, ctx) => {
        ticks.push(Date.now() - dueOf(ctx.job));
        return fanOut(data, ctx);
      },
      run: async (data) => {
        if (ours.length < RUNS) ours.push(Date.now() - Number(data.tickId));
        check();
        return { status: 'emitted' as const, output: { ...aTaSignal(), timeframe: '1h' } as never, inserted: false };
      },
    },
    { connection, keys, config: AppConfig.parse({}), logger: silentLogger },
    { concurrency: taQueue.concurrency },
  );
  // Bare BullMQ: one job scheduler, one worker, nothing else.
  const bareQueue = new Queue('bare', { connection, prefix: base.queuePrefix });
  const bareWorker = new Worker(
    'bare',
    async (job) => {
      if (bare.length < RUNS) bare.push(Date.now() - dueOf(job));
      check();
    },
    { connection, prefix: base.queuePrefix, concurrency: 8 },
  );
  await Promise.all([worker.worker.waitUntilReady(), bareWorker.waitUntilReady()]);
  const only = {
    marketData: { enabled: false },
    regime: { enabled: false },
    decision: { enabled: false },
    portfolio: { enabled: false },
  };
  await syncSchedules({
    connection,
    keys,
    schedules: SchedulesConfig.parse({ ...only, ta: { everyMs: 1_000, timeoutMs: 1_000 } }),
  });
  await bareQueue.upsertJobScheduler('bare', { every: 1_000 }, { name: 'tick' });
  console.log(`lateness: job scheduler every 1000 ms, ${RUNS} runs each, measured from the slot's due time`);
  await finished;
  await worker.close(1_000);
  await bareWorker.close();
  await Promise.all([queue.close(), bareQueue.close()]);
  console.log(`  bare BullMQ (due → processor):                  ${summary(bare)}`);
  console.log(`  triplegain tick (due → tick handler):           ${summary(ticks.slice(0, RUNS))}`);
  console.log(`  triplegain run (due → run handler, via fan-out): ${summary(ours)}`);
  await deleteKeysWithPrefix(redis, keys.prefix);
  await deleteKeysWithPrefix(redis, base.prefix);
  redis.disconnect();
  connection.disconnect();
}

/** (2) TA coverage: SYMBOLS pairs with 300 replayed candles each, one worker, one tick. */
async function taCoverage(): Promise<void> {
  const keys = createKeys(`tgbench-${process.pid}-ta`);
  const schema = await createTestSchema();
  const database = await openDatabase({
    url: process.env.DATABASE_URL || testDatabaseUrl,
    searchPath: schema,
    maxConnections: 10,
  });
  await migrateDatabase(database, { migrationsSchema: schema });
  const redis = new Redis(url, { enableAutoPipelining: true });
  const connection = new Redis(url, { maxRetriesPerRequest: null });
  try {
    const config = AppConfig.parse({});
    const clock = new ManualClock(Date.UTC(2022, 2, 1, 12, 1));
    const feed = new ReplayFeed({
      files: config.marketData.replay.files,
      timeframe: '1h',
      clock,
      rootDir: projectRoot,
    });
    const history = await feed.latestClosed('BTC/USD', config.marketData.historyCandles);
    const symbols = Array.from({ length: SYMBOLS }, (_, i) => `S${String(i).padStart(4, '0')}/USD`);
    const loadStart = performance.now();
    for (const symbol of symbols)
      await saveCandles(
        database.db,
        history.map((c) => ({ ...c, symbol })),
        'replay',
      );
    console.log(
      `ta coverage: ${SYMBOLS} symbols × ${history.length} replayed 1h candles stored in ${((performance.now() - loadStart) / 1000).toFixed(1)} s; one worker (concurrency ${taQueue.concurrency})`,
    );

    const bus = new Bus({ redis, keys, service: 'bench', config: config.bus, clock, logger: silentLogger });
    const degradation = new DegradationMonitor({
      redis,
      keys,
      bus,
      config: config.degradation,
      clock,
      logger: silentLogger,
    });
    const { gateway, panel } = createModelPanel(config, { db: database.db, clock, logger: silentLogger });
    // The symbols list is longer than config allows (50); the worker does not care.
    const deps: TaskDeps = {
      config: { ...config, symbols: { ...config.symbols, pairs: symbols } },
      db: database.db,
      bus,
      redis,
      connection,
      keys,
      clock,
      logger: silentLogger,
      candles: replayCandleSource(feed),
      gateway,
      panel,
      degradation,
      instruments: shippedBookOf(config),
    };
    const queue = new Queue(taQueue.name, { connection, prefix: keys.queuePrefix });
    const worker = createQueueWorker(taQueue, agentHandlers(deps, queue, taAgent), deps, {
      concurrency: taQueue.concurrency,
    });
    await worker.worker.waitUntilReady();

    const started = Date.now();
    await queue.add('tick', { task: 'ta' });
    let completed = 0;
    let failed = 0;
    let allDoneMs: number | undefined;
    while (Date.now() - started < WINDOW_MS) {
      const counts = await queue.getJobCounts('completed', 'failed');
      completed = (counts.completed ?? 0) - 1; // minus the tick
      failed = counts.failed ?? 0;
      if (completed + failed >= SYMBOLS) {
        allDoneMs = Date.now() - started;
        break;
      }
      await new Promise((r) => setTimeout(r, 100));
    }
    await worker.close(1_000);
    await queue.close();
    await bus.close(1_000);
    const published = await redis.xlen(keys.busStream('ta_signals'));
    if (allDoneMs !== undefined) {
      console.log(
        `  all ${SYMBOLS} symbols analysed, stored and published in ${(allDoneMs / 1000).toFixed(1)} s (${((SYMBOLS / allDoneMs) * 1000).toFixed(1)} symbols/s, ${failed} failed, ${published} ta.signal_emitted)`,
      );
      console.log(
        `  symbols covered within the 60 s interval: ≥ ${SYMBOLS} (at this rate ${Math.floor((SYMBOLS / allDoneMs) * WINDOW_MS)})   (target ≥ 500)`,
      );
    } else {
      console.log(
        `  symbols covered within the 60 s interval: ${completed} of ${SYMBOLS} (${failed} failed)   (target ≥ 500)`,
      );
    }
    await deleteKeysWithPrefix(redis, keys.prefix);
  } finally {
    redis.disconnect();
    connection.disconnect();
    await database.close();
    await dropTestSchema(schema);
  }
}

const which = process.env.BENCH_ONLY;
if (!which || which === 'lateness') await lateness();
if (!which || which === 'ta') await taCoverage();
