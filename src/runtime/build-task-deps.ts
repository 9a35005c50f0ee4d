import { Queue } from 'bullmq';
import { Redis } from 'ioredis';
import { AlertRaiser } from '../alerts/alert-raiser.ts';
import { systemClock, type Clock } from '../clock/clock.ts';
import { openReplayClock } from '../clock/open-replay-clock.ts';
import type { DegradationMonitor } from '../degradation/degradation-monitor.ts';
import { krakenCandleSource, replayCandleSource, type CandleSource } from '../market/candle-source.ts';
import { KrakenPublicClient } from '../kraken/kraken-public-client.ts';
import { KrakenRateLimiter } from '../kraken/kraken-rate-limiter.ts';
import { openInstrumentBook } from '../market/open-instrument-book.ts';
import { ReplayFeed } from '../market/replay-feed.ts';
import { timeframeMs } from '../market/timeframes.ts';
import { projectRoot } from '../shared/project-root.ts';
import type { TaskDeps } from '../workers/task-deps.ts';
import { createModelLayer } from './create-model-layer.ts';
import type { Runtime } from './open-runtime.ts';
import { loadStoredCandles } from '../market/candle-store.ts';
import { loadPanelStrategies } from '../strategies/load-panel-strategies.ts';

export interface BuiltTaskDeps {
  deps: TaskDeps;
  /** Raises alerts onto the `alerts` queue (`alerts` config; does nothing without a receiver). */
  alerts: AlertRaiser;
  close(): Promise<void>;
}

/**
 * The task handlers' dependencies from a runtime (with its database): a BullMQ connection, the
 * market clock and candle source (Kraken, or the replay files on the cluster's shared replay
 * clock), the instrument book (`openInstrumentBook`: Kraken's live pair rules when trading on
 * Kraken, a start that cannot load them fails), the alert raiser, and the model layer, whose
 * spent budget raises the degradation level and an alert.
 *
 * `overrides` (the demo) brings its own market clock and candle source.
 *
 * The market clock is what the domain reads (which bars have closed, the bar a decision is
 * for); the bus and BullMQ keep wall time for delivery, retries and TTLs, and the model budget
 * counts real days, because it is real money.
 */
export async function buildTaskDeps(
  rt: Runtime,
  degradation: DegradationMonitor,
  overrides: { clock?: Clock; candles?: CandleSource } = {},
): Promise<BuiltTaskDeps> {
  const db = rt.database?.db;
  if (!db) throw new Error('buildTaskDeps needs a runtime opened with its database');
  const config = rt.config;
  // A strategy file that cannot be loaded stops the start here, before anything is opened or traded.
  const strategies = await loadPanelStrategies(config.agents.decision.panel, projectRoot);
  const connection = new Redis(rt.redisUrl, { maxRetriesPerRequest: null, connectionName: 'triplegain-bullmq' });

  let clock: Clock = systemClock;
  let candles: CandleSource;
  let stopClock = () => {};
  if (overrides.clock && overrides.candles) {
    // The demo steps its own market clock over its own feed.
    clock = overrides.clock;
    candles = overrides.candles;
  } else if (config.marketData.source === 'replay') {
    const feed = new ReplayFeed({
      files: config.marketData.replay.files,
      timeframe: config.marketData.timeframe,
      clock: { now: () => clock.now() },
      rootDir: projectRoot,
      stored: (symbol) => loadStoredCandles(db, symbol, config.marketData.timeframe),
    });
    const replay = await openReplayClock(rt, {
      startMs: await replayStartMs(feed, config),
      speed: config.marketData.replay.speed,
    });
    clock = replay.clock;
    stopClock = replay.stop;
    candles = replayCandleSource(feed);
  } else {
    candles = krakenCandleSource(krakenPublicClient(rt, clock), config.marketData.timeframe);
  }

  const alertsQueue = new Queue('alerts', { connection, prefix: rt.keys.queuePrefix });
  const alerts = new AlertRaiser({
    redis: rt.redis,
    keys: rt.keys,
    queue: alertsQueue,
    config: config.alerts,
    logger: rt.logger,
  });
  const { gateway, panel } = createModelLayer(config, {
    db,
    clock: systemClock,
    logger: rt.logger,
    degradation,
    alerts,
    strategies,
  });
  const instruments = await openInstrumentBook({
    config,
    redis: rt.redis,
    keys: rt.keys,
    logger: rt.logger,
    loadAssetPairs: () => krakenPublicClient(rt, systemClock).fetchAssetPairs(),
  }).catch(async (err: unknown) => {
    await alertsQueue.close();
    connection.disconnect();
    stopClock();
    throw err;
  });

  return {
    deps: {
      config,
      db,
      bus: rt.bus,
      redis: rt.redis,
      connection,
      keys: rt.keys,
      clock,
      logger: rt.logger,
      candles,
      gateway,
      panel,
      degradation,
      instruments: instruments.book,
      alerts,
    },
    alerts,
    async close() {
      instruments.stop();
      stopClock();
      await alertsQueue.close();
      connection.disconnect();
    },
  };
}

/** Kraken's public API (`marketData.kraken`) behind the cluster's shared public limiter. */
function krakenPublicClient(rt: Runtime, clock: Clock): KrakenPublicClient {
  const kraken = rt.config.marketData.kraken;
  const limiter = new KrakenRateLimiter({
    redis: rt.redis,
    key: rt.keys.rateLimit('kraken:public'),
    ...kraken.publicRateLimit,
  });
  return new KrakenPublicClient({ config: kraken, limiter, clock });
}

/**
 * Where a replay starts: `marketData.replay.startAt`, else as soon as every pair has
 * `marketData.historyCandles` bars behind it, so that the agents have their history at once.
 */
async function replayStartMs(feed: ReplayFeed, config: Runtime['config']): Promise<number> {
  const replay = config.marketData.replay;
  if (replay.startAt !== undefined) return Date.parse(replay.startAt);
  const firsts = await Promise.all(
    config.symbols.pairs.map(async (symbol) => (await feed.range(symbol)).firstOpenTimeMs),
  );
  return Math.max(...firsts) + (config.marketData.historyCandles + 1) * timeframeMs(config.marketData.timeframe);
}
