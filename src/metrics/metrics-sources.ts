import type { Queue } from 'bullmq';
import type { Redis } from 'ioredis';
import { topicStats } from '../bus/bus-stats.ts';
import { topics } from '../bus/topics.ts';
import type { AppConfig } from '../config/app-config.ts';
import type { ControlPlane } from '../control/control-plane.ts';
import type { Db } from '../db/open-database.ts';
import type { Keys } from '../keys.ts';
import { readJobDurations } from './job-durations.ts';
import type { Scrape } from './scrape.ts';
import { readClusterState } from './sources/cluster-state.ts';
import { readFillTotals } from './sources/fill-totals.ts';
import { readLatestEquity } from './sources/latest-equity.ts';
import { readModelUsage } from './sources/model-usage.ts';
import { readOrderCounts } from './sources/order-counts.ts';
import { readQueueCounts } from './sources/queue-counts.ts';
import { readRateLimitHeadroom } from './sources/rate-limit-headroom.ts';
import { readRiskDecisionCounts } from './sources/risk-decision-counts.ts';

export interface MetricsSourceDeps {
  config: AppConfig;
  /** Command connection: streams, hashes, the rate-limit counters. */
  redis: Redis;
  keys: Keys;
  /** The queues whose jobs are counted, every one of the catalog. */
  queues: readonly Queue[];
  control: Pick<ControlPlane, 'current'>;
  /** The database, opened on first use; absent when this process has none: its sources are then reported down. */
  db?: () => Promise<Db>;
}

/** Thrown by the database's sources in a process without one. */
const NO_DATABASE = 'no database in this process: set DATABASE_URL so the dashboard reads the one the workers write';

function fromDb<T>(db: (() => Promise<Db>) | undefined, read: (db: Db) => Promise<T>): () => Promise<T> {
  return async () => {
    if (!db) throw new Error(NO_DATABASE);
    return read(await db());
  };
}

/** Where each family of series comes from, named as `triplegain_scrape_source_up{source}` says. */
export function metricsLoaders(deps: MetricsSourceDeps) {
  const { redis, keys, db } = deps;
  return {
    queues: () => readQueueCounts(deps.queues),
    job_durations: () =>
      readJobDurations(
        redis,
        keys,
        deps.queues.map((q) => q.name),
      ),
    bus: () => Promise.all(topics.map((topic) => topicStats(redis, keys, topic))),
    cluster_state: () => readClusterState({ control: deps.control, redis, keys }),
    rate_limits: () => readRateLimitHeadroom({ redis, keys, config: deps.config }),
    orders: fromDb(db, readOrderCounts),
    fills: fromDb(db, readFillTotals),
    risk_decisions: fromDb(db, readRiskDecisionCounts),
    model_calls: fromDb(db, readModelUsage),
    equity: fromDb(db, readLatestEquity),
  };
}

export type MetricsLoaders = ReturnType<typeof metricsLoaders>;
export type MetricsScrape = Scrape<MetricsLoaders>;
