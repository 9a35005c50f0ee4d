import { Queue } from 'bullmq';
import { Redis } from 'ioredis';
import { ManualClock, systemClock } from '../../src/clock/clock.ts';
import { ControlPlane } from '../../src/control/control-plane.ts';
import { startCoordinator } from '../../src/coordinator/coordinator-service.ts';
import type { ExchangePort } from '../../src/exchange/exchange-port.ts';
import { untradedAccount, type PortfolioReader } from '../../src/risk/portfolio-reader.ts';
import { AppConfig } from '../../src/config/app-config.ts';
import { DegradationMonitor } from '../../src/degradation/degradation-monitor.ts';
import { createModelLayer } from '../../src/runtime/create-model-layer.ts';
import { replayCandleSource, type CandleSource } from '../../src/market/candle-source.ts';
import { ReplayFeed } from '../../src/market/replay-feed.ts';
import { queueCatalog, type CatalogQueueName } from '../../src/workers/task-queue-catalog.ts';
import type { TickResult } from '../../src/queues/task-run-data.ts';
import { silentLogger } from '../../src/shared/logger.ts';
import { startTaskWorkers, type TaskWorkers, type WorkerQueueName } from '../../src/workers/start-task-workers.ts';
import type { AnyAgentDefinition } from '../../src/agents/kit/agent-definition.ts';
import type { TaskDeps } from '../../src/workers/task-deps.ts';
import { projectRoot } from './spawn-ts.ts';
import { createTestBus, type TestBus } from './test-bus.ts';
import { createTestDatabase, type TestDatabase } from './test-database.ts';
import { waitFor } from './wait-for.ts';
import { shippedBookOf } from '../../src/market/instrument-book.ts';

export interface TaskHarness {
  t: TestBus;
  database: TestDatabase;
  config: AppConfig;
  clock: ManualClock;
  deps: TaskDeps;
  degradation: DegradationMonitor;
  control: ControlPlane;
  /** The account the risk worker and the coordinator read (starting cash, no positions, unless replaced). */
  portfolio: PortfolioReader;
  queue(name: CatalogQueueName): Queue;
  startWorkers(
    queues?: readonly WorkerQueueName[],
    options?: { exchange?: ExchangePort; agents?: readonly AnyAgentDefinition[] },
  ): Promise<TaskWorkers>;
  /** Starts the coordinator's bus subscriptions (wall clock for freshness). */
  startCoordinator(): Promise<void>;
  /** Adds a scheduler-like tick to a task's queue and waits for it; returns its result and tick id. */
  runTick(name: CatalogQueueName): Promise<TickResult & { tickId: string }>;
  /** Waits until a job has completed or failed and returns how it ended. */
  settled(
    name: CatalogQueueName,
    jobId: string,
    timeoutMs?: number,
  ): Promise<{
    state: string;
    returnvalue: unknown;
    failedReason: string | undefined;
    processedOn?: number;
    finishedOn?: number;
  }>;
  cleanup(): Promise<void>;
}

const TASK_OF: Partial<Record<CatalogQueueName, string>> = {
  'market-data': 'marketData',
  ta: 'ta',
  regime: 'regime',
  sentiment: 'sentiment',
  decision: 'decision',
};

/**
 * The real task workers on a real Redis (own prefix) and PostgreSQL (own schema), replaying
 * the recorded Kraken files on a manual market clock.
 */
export async function createTaskHarness(options: {
  config?: Record<string, unknown>;
  clockMs: number;
  candles?: (t: TestBus, clock: ManualClock) => CandleSource;
  portfolio?: PortfolioReader;
}): Promise<TaskHarness> {
  const t = await createTestBus();
  const database = await createTestDatabase('postgres');
  const config = AppConfig.parse({ marketData: { source: 'replay' }, ...options.config });
  const clock = new ManualClock(options.clockMs);
  const connection = new Redis(t.url, { maxRetriesPerRequest: null });
  const degradation = new DegradationMonitor({
    redis: t.redis,
    keys: t.keys,
    bus: t.bus,
    config: config.degradation,
    clock,
    logger: silentLogger,
  });
  const { gateway, panel } = createModelLayer(config, { db: database.db, clock, logger: silentLogger, degradation });
  const candles =
    options.candles?.(t, clock) ??
    replayCandleSource(
      new ReplayFeed({
        files: config.marketData.replay.files,
        timeframe: config.marketData.timeframe,
        clock,
        rootDir: projectRoot,
      }),
    );
  const deps: TaskDeps = {
    config,
    db: database.db,
    bus: t.bus,
    redis: t.redis,
    connection,
    keys: t.keys,
    clock,
    logger: silentLogger,
    candles,
    gateway,
    panel,
    degradation,
    instruments: shippedBookOf(config),
  };

  const control = new ControlPlane({ redis: t.redis, keys: t.keys, connection, bus: t.bus, logger: silentLogger });
  const portfolio = options.portfolio ?? untradedAccount(config.execution.paper.startingCashUsd);
  const queues = new Map<CatalogQueueName, Queue>();
  const queue = (name: CatalogQueueName) => {
    let q = queues.get(name);
    if (!q) {
      q = new Queue(name, { connection, prefix: t.keys.queuePrefix });
      queues.set(name, q);
    }
    return q;
  };
  const started: TaskWorkers[] = [];

  const settled: TaskHarness['settled'] = async (name, jobId, timeoutMs = 20_000) => {
    return waitFor(
      async () => {
        // State first: a job read before it finished would carry no result.
        const state = await queue(name).getJobState(jobId);
        if (state !== 'completed' && state !== 'failed') return undefined;
        const job = await queue(name).getJob(jobId);
        if (!job) return undefined;
        return {
          state,
          returnvalue: job.returnvalue as unknown,
          failedReason: job.failedReason || undefined,
          processedOn: job.processedOn,
          finishedOn: job.finishedOn,
        };
      },
      `${name} job ${jobId} to settle`,
      timeoutMs,
    );
  };

  return {
    t,
    database,
    config,
    clock,
    deps,
    degradation,
    control,
    portfolio,
    queue,
    async startWorkers(names, extra = {}) {
      const workers = await startTaskWorkers(deps, {
        queues: names,
        risk: { control, portfolio },
        exchange: extra.exchange,
        agents: extra.agents,
      });
      started.push(workers);
      return workers;
    },
    async startCoordinator() {
      await startCoordinator({
        config,
        db: database.db,
        bus: t.bus,
        clock: systemClock,
        logger: silentLogger,
        gateway,
        control,
        degradation,
        portfolio,
        riskQueue: queue('risk'),
      });
    },
    async runTick(name) {
      const job = await queue(name).add(
        'tick',
        { task: TASK_OF[name] },
        { jobId: `tick-${Date.now()}-${Math.random().toString(36).slice(2)}` },
      );
      const done = await settled(name, job.id!);
      if (done.state !== 'completed') throw new Error(`${name} tick failed: ${done.failedReason}`);
      return { ...(done.returnvalue as TickResult), tickId: String(job.timestamp) };
    },
    settled,
    async cleanup() {
      for (const w of started) await w.close(1_000);
      for (const q of queues.values()) await q.close();
      connection.disconnect();
      await database.cleanup();
      await t.cleanup();
    },
  };
}

/** Every catalog queue but execution (which needs an exchange). */
export const allQueues = (Object.keys(queueCatalog) as CatalogQueueName[]).filter((name) => name !== 'execution');
