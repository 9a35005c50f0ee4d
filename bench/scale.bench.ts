// npm run bench:scale — the cluster doing more work with more workers: (1) the same sweep of 8
// configurations (each a whole replay, CPU-bound) run by 1, 2 and 4 `sweep-worker` processes,
// wall time from the first job added to the last result, and the ratio to 1 worker; (2) the
// decision pipeline (TA, regime, then the panel asking one model at the stand-in, which answers
// in 300 ms: I/O-bound) for BENCH_PAIRS pairs, by 1 and 4 worker processes at the catalog's
// per-worker concurrency: decisions per second and the ratio (target ≥ ×3.5).
import { randomBytes } from 'node:crypto';
import { mkdtemp, rm, writeFile } from 'node:fs/promises';
import { cpus, tmpdir, totalmem } from 'node:os';
import { join } from 'node:path';
import { performance } from 'node:perf_hooks';
import { FlowProducer, Queue } from 'bullmq';
import { Redis } from 'ioredis';
import { agentRegistry } from '../src/agents/agent-registry.ts';
import { flowInputAgents } from '../src/agents/flow-input-agents.ts';
import { ManualClock } from '../src/clock/clock.ts';
import { AppConfig } from '../src/config/app-config.ts';
import { migrateDatabase } from '../src/db/migrate-database.ts';
import { openDatabase } from '../src/db/open-database.ts';
import { createKeys } from '../src/keys.ts';
import { saveCandles } from '../src/market/candle-store.ts';
import { ReplayFeed } from '../src/market/replay-feed.ts';
import { addDecisionFlow } from '../src/queues/add-decision-flow.ts';
import { decisionQueue } from '../src/queues/queue-catalog.ts';
import { deleteKeysUnder } from '../src/redis/delete-keys-under.ts';
import { silentLogger } from '../src/shared/logger.ts';
import { runSweep } from '../src/sweep/run-sweep.ts';
import { ensureFreshBuild } from '../test/support/ensure-fresh-build.ts';
import { replyWith, slow, startModelServer } from '../test/support/model-server.ts';
import { projectRoot, spawnTs, type TsProcess } from '../test/support/spawn-ts.ts';
import { createTestSchema, dropTestSchema, testDatabaseUrl } from '../test/support/test-database.ts';

const databaseUrl = process.env.DATABASE_URL || testDatabaseUrl;

const url = process.env.REDIS_URL ?? 'redis://127.0.0.1:6379';
const DAYS = Number(process.env.BENCH_DAYS ?? 1);
const WORKERS = (process.env.BENCH_WORKERS ?? '1,2,4').split(',').map(Number);
const PAIRS = Number(process.env.BENCH_PAIRS ?? 160);
const MODEL_MS = 300;
// Flows every worker process runs before the clock starts, on pairs of their own: a process
// just started compiles its code paths on its first flows, which is not what a running cluster
// does per decision.
const WARMUP = Number(process.env.BENCH_WARMUP ?? 40);
const ONLY = process.env.BENCH_ONLY;

console.log(
  `bench:scale  node ${process.version}, ${cpus().length}× ${cpus()[0]?.model ?? '?'}, ${(totalmem() / 2 ** 30).toFixed(0)} GiB, redis ${url.replace(/:[^/@:]+@/, ':***@')}`,
);
ensureFreshBuild();

if (ONLY !== 'decisions') await sweepScaling();
if (ONLY !== 'sweep') await decisionScaling();

async function sweepScaling(): Promise<void> {
  const dir = await mkdtemp(join(tmpdir(), 'tgbench-scale-'));
  const gridFile = join(dir, 'sweep.yaml');
  // 8 points: 4 stop distances × 2 position caps.
  await writeFile(
    gridFile,
    `from: 2021-11-01\ndays: ${DAYS}\ngrid:\n  llm.rules.stopLossAtr: [1.5, 2, 2.5, 3]\n  risk.maxPositionPct: [5, 10]\n`,
  );
  const redis = new Redis(url);
  const seconds: Record<number, number> = {};
  try {
    for (const count of WORKERS) {
      const prefix = `tgbench-scale-${randomBytes(3).toString('hex')}`;
      const env = { REDIS_URL: url, TRIPLEGAIN__REDIS__KEY_PREFIX: prefix };
      const workers = Array.from({ length: count }, () =>
        spawnTs(join(projectRoot, 'bin/triplegain.mjs'), env, ['sweep-worker']),
      );
      try {
        await Promise.all(workers.map((w) => w.waitForOutput('sweep worker ')));
        const startedMs = performance.now();
        const outcome = await runSweep({
          gridFile,
          workers: 0,
          lockDurationMs: 30_000,
          redisUrl: url,
          keys: createKeys(prefix),
          logger: silentLogger,
          print: () => {},
        });
        const wallS = (performance.now() - startedMs) / 1000;
        if (outcome.failed.length > 0) throw new Error(`runs failed: ${JSON.stringify(outcome.failed)}`);
        seconds[count] = wallS;
        const perRun = outcome.results.map((r) => r.elapsedMs / 1000);
        const ratio = seconds[WORKERS[0]!]! / wallS;
        console.log(
          `  ${count} worker${count === 1 ? ' ' : 's'}: ${outcome.results.length} runs of ${DAYS} day${DAYS === 1 ? '' : 's'} in ${wallS.toFixed(1)} s ` +
            `(${((outcome.results.length / wallS) * 60).toFixed(1)} runs/min; a run ${Math.min(...perRun).toFixed(1)}–${Math.max(...perRun).toFixed(1)} s) ` +
            `×${ratio.toFixed(2)} against ${WORKERS[0]} worker${WORKERS[0] === 1 ? '' : 's'}`,
        );
      } finally {
        for (const w of workers) w.child.kill('SIGTERM');
        await Promise.all(workers.map((w) => w.exited));
        await deleteKeysUnder(redis, prefix);
      }
    }
  } finally {
    redis.disconnect();
    await rm(dir, { recursive: true, force: true });
  }
}

async function decisionScaling(): Promise<void> {
  for (const concurrency of [decisionQueue.concurrency, 1]) await decisionPipeline(concurrency);
}

async function decisionPipeline(concurrency: number): Promise<void> {
  const server = await startModelServer();
  // Every request: 300 ms, then a valid HOLD (a decision the panel stores and publishes).
  server.script(
    'gpt-4o-mini',
    slow(
      MODEL_MS,
      replyWith({
        action: 'HOLD',
        confidence: 0.5,
        entryPrice: null,
        stopLoss: null,
        takeProfit: null,
        sizePct: 0,
        leverage: 1,
        reasoning: 'bench',
      }),
    ),
  );
  const nowMs = Date.UTC(2022, 2, 1, 12, 1);
  const history = await new ReplayFeed({
    files: AppConfig.parse({}).marketData.replay.files,
    timeframe: '1h',
    clock: new ManualClock(nowMs),
    rootDir: projectRoot,
  }).latestClosed('BTC/USD', 300);
  const pairs = Array.from({ length: PAIRS }, (_, i) => `S${String(i).padStart(4, '0')}/USD`);
  const warmupPairs = Array.from({ length: WARMUP }, (_, i) => `W${String(i).padStart(4, '0')}/USD`);
  const perSecond: Record<number, number> = {};
  console.log(
    `decision pipeline: ${PAIRS} pairs × ${history.length} 1h candles, one flow each (TA, regime, then the panel: one model answering in ${MODEL_MS} ms); decision concurrency ${concurrency} per worker${concurrency === decisionQueue.concurrency ? " (the catalog's)" : ''}; timed after ${WARMUP} warm-up flows on other pairs`,
  );
  try {
    for (const count of [1, 4]) {
      const schema = await createTestSchema();
      const prefix = `tgbench-scale-${randomBytes(3).toString('hex')}`;
      const keys = createKeys(prefix);
      const database = await openDatabase({ url: databaseUrl, searchPath: schema, maxConnections: 4 });
      const connection = new Redis(url, { maxRetriesPerRequest: null });
      const children: TsProcess[] = [];
      try {
        await migrateDatabase(database, { migrationsSchema: schema });
        for (const symbol of [...pairs, ...warmupPairs])
          await saveCandles(
            database.db,
            history.map((c) => ({ ...c, symbol })),
            'replay',
          );
        const env = {
          REDIS_URL: url,
          BENCH_PREFIX: prefix,
          BENCH_PAIRS: [...pairs, ...warmupPairs].join(','),
          BENCH_NOW_MS: String(nowMs),
          BENCH_MODEL_URL: server.openAiUrl,
          BENCH_DATABASE_URL: databaseUrl,
          BENCH_SCHEMA: schema,
          BENCH_CONCURRENCY: String(concurrency),
        };
        for (let i = 0; i < count; i++)
          children.push(spawnTs(join(projectRoot, 'bench/fixtures/decision-worker.ts'), env));
        await Promise.all(children.map((c) => c.waitForOutput('ready', 120_000)));
        const decisions = new Queue(decisionQueue.name, { connection, prefix: keys.queuePrefix });
        const flows = new FlowProducer({ connection, prefix: keys.queuePrefix });
        const inputs = flowInputAgents(agentRegistry, AppConfig.parse({}), false);
        const decided = async (total: number) => {
          for (;;) {
            const { completed = 0, failed = 0 } = await decisions.getJobCounts('completed', 'failed');
            if (failed > 0) throw new Error(`${failed} decisions failed`);
            if (completed >= total) return;
            await new Promise((r) => setTimeout(r, 20));
          }
        };
        for (const symbol of warmupPairs) await addDecisionFlow(flows, { symbol, tickId: `warmup-${count}`, inputs });
        await decided(WARMUP);
        const requestsBefore = server.requests.length;
        const startedMs = performance.now();
        for (const symbol of pairs) await addDecisionFlow(flows, { symbol, tickId: `bench-${count}`, inputs });
        await decided(WARMUP + PAIRS);
        const wallS = (performance.now() - startedMs) / 1000;
        perSecond[count] = PAIRS / wallS;
        console.log(
          `  ${count} worker${count === 1 ? ' ' : 's'}: ${PAIRS} decisions in ${wallS.toFixed(1)} s, ${perSecond[count]!.toFixed(1)} decisions/s (${server.requests.length - requestsBefore} model calls)` +
            (count === 1
              ? ''
              : `  ×${(perSecond[count]! / perSecond[1]!).toFixed(2)} against 1 worker (target ≥ ×3.5)`),
        );
        await flows.close();
        await decisions.close();
      } finally {
        for (const c of children) c.child.kill('SIGTERM');
        await Promise.all(children.map((c) => c.exited));
        connection.disconnect();
        await database.close();
        await dropTestSchema(schema);
        const redis = new Redis(url);
        await deleteKeysUnder(redis, prefix);
        redis.disconnect();
      }
    }
  } finally {
    await server.close();
  }
}
