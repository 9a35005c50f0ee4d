import { randomBytes } from 'node:crypto';
import { FlowProducer, Queue } from 'bullmq';
import { agentRegistry } from '../agents/agent-registry.ts';
import { flowInputAgents } from '../agents/flow-input-agents.ts';
import { ManualClock } from '../clock/clock.ts';
import { COORDINATOR_SERVICE } from '../coordinator/coordinator-service.ts';
import { replayCandleSource } from '../market/candle-source.ts';
import { ReplayFeed } from '../market/replay-feed.ts';
import { timeframeMs } from '../market/timeframes.ts';
import { POSITIONS_SERVICE } from '../positions-service/positions-service.ts';
import { addDecisionFlow } from '../queues/add-decision-flow.ts';
import type { CatalogQueueName } from '../queues/queue-catalog.ts';
import { symbolSlug } from '../market/symbol-slug.ts';
import type { TaskRunData } from '../queues/task-run-data.ts';
import { deleteKeysUnder } from '../redis/delete-keys-under.ts';
import { openRuntime, type Runtime } from '../runtime/open-runtime.ts';
import { startWorkerRole } from '../runtime/start-worker-role.ts';
import { createLogger } from '../shared/logger.ts';
import { projectRoot } from '../shared/project-root.ts';
import { formatMinute } from '../shared/format-minute.ts';
import { TriplegainError } from '../shared/triplegain-error.ts';
import { SYSTEM_EVENT_RECORDER } from '../workers/system-event-recorder.ts';
import { buildDemoReport, type DemoReport } from './demo-report.ts';
import { checkReplayCoverage } from './replay-coverage.ts';
import { createProgressBar } from './progress-bar.ts';
import { storedCandlesOf } from './stored-candles-of.ts';
import { waitForIdle } from './wait-for-idle.ts';

export interface DemoOptions {
  configFile?: string;
  /** First bar of the replay (UTC date). */
  from: string;
  /** Market days to replay; or `to`. */
  days?: number;
  /** End of the replay, exclusive (UTC date); or `days`. */
  to?: string;
  /** Where the report files go. */
  reportDir: string;
  /**
   * Receives a dump of the replay's database (PGlite `dumpDataDir`) once the report is built,
   * for `demo --keep` to store where `explain` and `audit` can read it.
   */
  keepDatabase?: (dump: Blob) => Promise<void>;
  /** The replay's Redis key prefix (a sweep job names its own); default a random `tgdemo-…`. */
  keyPrefix?: string;
  /** Draw the progress bar on stderr; default true. */
  progress?: boolean;
  /**
   * Stops the replay before its next bar (throwing the signal's reason) once aborted; what it
   * started is released first (its Redis keys deleted, its database closed).
   */
  signal?: AbortSignal;
}

/** The queues the demo drives (the scheduler's ticks are replaced by the demo's steps). */
const QUEUES: readonly CatalogQueueName[] = [
  'market-data',
  'ta',
  'regime',
  'decision',
  'portfolio',
  'risk',
  'execution',
];

/**
 * A rebalance leg waiting for its orders looks again after this much wall time: longer than
 * any demo, so that only the demo wakes it, once per bar (see `wakeRebalanceLegs`).
 */
const LEG_POLL_MS = 7 * 86_400_000;

/**
 * The demo: the whole worker side of the cluster in this process, on its embedded defaults
 * (a private key prefix in Redis, a fresh in-memory PGlite, the paper exchange, the `rules`
 * panel), replaying recorded Kraken hourly candles bar by bar. Each bar is played to the end
 * before the next, one pair at a time: market data (the paper exchange fills, positions and
 * snapshots follow); the rebalance legs waiting for their orders, one at a time; the
 * portfolio tick when `schedules.portfolio` has one due at the bar's close (valuation and, on
 * drift, a rebalance through risk and execution); then a decision flow per pair (TA and
 * regime, the panel, the coordinator, risk, execution).
 * So the same data and config always give the same report, however fast the machine. The
 * report ends with the audit of the books the replay left (`runAudit`).
 */
export async function runDemo(options: DemoOptions): Promise<DemoReport> {
  const { fromMs, toMs } = periodOf(options);
  const prefix = options.keyPrefix ?? `tgdemo-${randomBytes(4).toString('hex')}`;
  const logger = createLogger({ level: 'warn', stderr: true });
  const rt = await openRuntime({
    configFile: options.configFile,
    allowEmbeddedRedis: true,
    withDatabase: true,
    inMemoryDatabase: true,
    service: 'triplegain-demo',
    logger,
    // Speed 1: the demo moves the market clock itself, bar by bar; wall-time delays are not scaled to it.
    env: {
      ...process.env,
      TRIPLEGAIN__REDIS__KEY_PREFIX: prefix,
      TRIPLEGAIN__MARKET_DATA__SOURCE: 'replay',
      TRIPLEGAIN__MARKET_DATA__REPLAY__SPEED: '1',
      TRIPLEGAIN__EXECUTION__EXCHANGE: 'paper',
      TRIPLEGAIN__APP__MODE: 'paper',
    },
  });
  try {
    return await replay(rt, options, { fromMs, toMs }, prefix);
  } finally {
    await rt.close();
  }
}

/**
 * The replay's period in market time: from `from` for `days` days, or up to `to` (exclusive).
 *
 * @throws TriplegainError `CONFIG_INVALID` for a date that does not parse, both or a period that is empty.
 */
export function periodOf(options: Pick<DemoOptions, 'from' | 'days' | 'to'>): { fromMs: number; toMs: number } {
  const date = (flag: string, text: string) => {
    // A whole UTC day that exists: 2021-02-30 is refused, not rolled over to March.
    const ms = /^\d{4}-\d{2}-\d{2}$/.test(text) ? Date.parse(`${text}T00:00:00Z`) : Number.NaN;
    if (Number.isNaN(ms) || new Date(ms).toISOString().slice(0, 10) !== text)
      throw new TriplegainError(
        'CONFIG_INVALID',
        `${flag} ${JSON.stringify(text)}: expected a date such as 2021-11-01`,
      );
    return ms;
  };
  const fromMs = date('--from', options.from);
  if (options.days !== undefined && options.to !== undefined)
    throw new TriplegainError('CONFIG_INVALID', '--days and --to both given: give the end of the replay once');
  if (options.to !== undefined) {
    const toMs = date('--to', options.to);
    if (toMs <= fromMs)
      throw new TriplegainError('CONFIG_INVALID', `--to ${options.to} is not after --from ${options.from}`);
    return { fromMs, toMs };
  }
  const days = options.days ?? 60;
  if (!Number.isInteger(days) || days < 1)
    throw new TriplegainError('CONFIG_INVALID', `--days ${days}: expected a whole number of days, at least 1`);
  return { fromMs, toMs: fromMs + days * 86_400_000 };
}

async function replay(
  rt: Runtime,
  options: DemoOptions,
  period: { fromMs: number; toMs: number },
  prefix: string,
): Promise<DemoReport> {
  const { config } = rt;
  const barMs = timeframeMs(config.marketData.timeframe);
  const startMs = Math.floor(period.fromMs / barMs) * barMs;
  const bars = Math.ceil((period.toMs - startMs) / barMs);
  const clock = new ManualClock(startMs + 60_000);
  // A pair without a recording is played from the bars imported into the configured database.
  const stored = await storedCandlesOf(config);
  const feed = new ReplayFeed({
    files: config.marketData.replay.files,
    timeframe: config.marketData.timeframe,
    clock,
    rootDir: projectRoot,
    stored: async (symbol) => stored.get(symbol) ?? [],
  });
  await checkReplayCoverage(feed, config, { startMs, bars, barMs });

  const role = await startWorkerRole(rt, {
    queues: QUEUES,
    overrides: { clock, candles: replayCandleSource(feed) },
    rebalance: { pollMs: LEG_POLL_MS },
  });
  const queues = new Map(
    QUEUES.map((name) => [name, new Queue(name, { connection: role.deps.connection, prefix: rt.keys.queuePrefix })]),
  );
  const portfolio = queues.get('portfolio')!;
  const watch = {
    queues: [...queues.values()],
    marketTimed: [portfolio],
    groups: [
      ['market_data', POSITIONS_SERVICE],
      ['trading_signals', COORDINATOR_SERVICE],
      ['system_events', SYSTEM_EVENT_RECORDER],
    ] as const,
  };
  const flows = new FlowProducer({ connection: role.deps.connection, prefix: rt.keys.queuePrefix });
  const progress =
    options.progress === false ? { update: () => {}, finish: () => {} } : createProgressBar(process.stderr, bars);
  try {
    // Fail closed before the first bar: without a pair's rules (precision, minimums) every order
    // of it would be refused, and the replay would report nothing traded without saying why.
    const unknown = config.symbols.pairs.filter((pair) => role.deps.instruments.find(pair) === undefined);
    if (unknown.length > 0) {
      throw new TriplegainError(
        'CONFIG_INVALID',
        `no instrument rules for ${unknown.join(', ')} (the paper exchange knows ${role.deps.instruments.symbols().join(', ')}): give its precision and minimums under execution.instruments`,
      );
    }
    const pairs = [...config.symbols.pairs].sort();
    for (let bar = 0; bar < bars; bar++) {
      options.signal?.throwIfAborted();
      // A minute after the bar closed: it is visible to the feed, the next one is not.
      clock.set(startMs + bar * barMs + barMs + 60_000);
      const tickId = `demo-${bar}`;
      // One pair at a time, each played to the end: the paper account and the risk state see
      // the pairs in the same order on every run, so the report is exactly repeatable.
      for (const symbol of pairs) {
        const data: TaskRunData = {
          task: 'marketData',
          symbol,
          tickId,
          correlationId: `marketData.${tickId}`,
          mode: 'scheduled',
        };
        await queues.get('market-data')!.add('run', data, { jobId: `marketData.${symbolSlug(symbol)}.${tickId}` });
        await waitForIdle(rt.redis, rt.keys, watch);
      }
      // A queue the kill switch paused (a breaker's halt) is given nothing more: its work would only wait.
      const portfolioRuns = !(await portfolio.isPaused());
      if (portfolioRuns) await wakeRebalanceLegs(portfolio, () => waitForIdle(rt.redis, rt.keys, watch));
      const closeMs = startMs + (bar + 1) * barMs;
      if (portfolioRuns && config.schedules.portfolio.enabled && closeMs % config.schedules.portfolio.everyMs === 0) {
        // Named as the scheduler names its jobs: the tick's id (and its rebalance's) is its due time.
        await portfolio.add('tick', { task: 'portfolio' }, { jobId: `repeat:portfolio:${closeMs}` });
        await waitForIdle(rt.redis, rt.keys, watch);
      }
      for (const symbol of (await queues.get('decision')!.isPaused()) ? [] : pairs) {
        await addDecisionFlow(flows, { symbol, tickId, inputs: flowInputAgents(agentRegistry, config, false) });
        await waitForIdle(rt.redis, rt.keys, watch);
      }
      progress.update(bar + 1, formatMinute(startMs + bar * barMs));
    }
    progress.finish();
    const report = await buildDemoReport(rt.database!.db, {
      account: role.exchange.name,
      fromMs: startMs,
      toMs: startMs + bars * barMs,
      timeframe: config.marketData.timeframe,
      barMs,
      targets: config.portfolio.targets,
      startingCashUsd: config.execution.paper.startingCashUsd,
      cashAsset: config.symbols.cashAsset,
      pairs: config.symbols.pairs,
      finalTradingState: (await role.control.current()).state,
    });
    const database = rt.database!;
    if (options.keepDatabase && database.driver === 'pglite')
      await options.keepDatabase(await database.client.dumpDataDir('gzip'));
    return report;
  } finally {
    for (const queue of queues.values()) await queue.close();
    await flows.close();
    await role.stop();
    // Subscriptions stop before their streams go.
    await rt.bus.close(2_000);
    await deleteKeysUnder(rt.redis, prefix);
  }
}

/**
 * Wakes every rebalance leg waiting in the delayed set, one at a time in job-id order, each
 * played to the end (it settles and completes, lets its batch's buys start, or waits again):
 * after a bar's fills, as a leg in the cluster would on its next look. A DCA batch not yet due
 * in market time waits again (see `portfolioHandlers`).
 */
async function wakeRebalanceLegs(portfolio: Queue, untilIdle: () => Promise<void>): Promise<void> {
  const delayed = (await portfolio.getDelayed()).sort((a, b) => (a.id! < b.id! ? -1 : a.id! > b.id! ? 1 : 0));
  for (const job of delayed) {
    await job.promote();
    await untilIdle();
  }
}
