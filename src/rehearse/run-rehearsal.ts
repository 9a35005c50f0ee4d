import { randomBytes, randomInt } from 'node:crypto';
import { mkdtemp, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { setTimeout as sleep } from 'node:timers/promises';
import { auditContextOf } from '../audit/audit-context.ts';
import { runAudit } from '../audit/run-audit.ts';
import { ChaosCluster } from '../chaos/chaos-cluster.ts';
import { createChaosDatabase, type ChaosDatabase } from '../chaos/chaos-database.ts';
import { listenForInterrupts } from '../chaos/listen-for-interrupts.ts';
import { nextDecisionAfter } from '../chaos/next-decision-after.ts';
import { openReplayClock, type ReplayClock } from '../clock/open-replay-clock.ts';
import { ReplayFeed } from '../market/replay-feed.ts';
import { spawnRedisServer, type RedisServerProcess } from '../redis/redis-server-process.ts';
import { openRuntime, type Runtime } from '../runtime/open-runtime.ts';
import { shutdownGiveUpMs } from '../runtime/shutdown-give-up-ms.ts';
import { createLogger } from '../shared/logger.ts';
import { projectRoot } from '../shared/project-root.ts';
import { describeError } from '../shared/triplegain-error.ts';
import { feedMarketToStandIn, type MarketFeedToStandIn } from './feed-market-to-stand-in.ts';
import { planRehearsalFaults } from './plan-rehearsal-faults.ts';
import type { RehearsalFaultOutcome, RehearsalResult, RehearsalSummary } from './rehearsal-summary.ts';
import { summarizeRehearsal } from './rehearsal-summary.ts';
import type { RehearseOptions } from './rehearse-options.ts';
import { REHEARSAL_STOP_GRACE_MS, rehearsalStandIn, type RehearsalStandIn } from './rehearsal-stand-in.ts';
import { runPreflight } from './run-preflight.ts';

/** Wall time the cluster may take from start to its first panel decision. */
const WARM_UP_LIMIT_MS = 120_000;
/**
 * Seeded pause between faults (wall time): longer than the live path's recovery bound for one
 * fault (a cancel it did not send is learnt within a reconciliation interval, 15 s; an AddOrder
 * without an answer is judged once its deadline has passed, 15 s), so that each fault's
 * recovery is measured. Faults closer than that pile up on one stop (three within 15 s left a
 * position 34 s without one) faster than polling Kraken's REST API can resolve them.
 */
const GAP_MS = [15_000, 25_000] as const;
/** Seeded length of an outage in which the dead man's switch fires (wall time). */
const OUTAGE_MS = [3_000, 8_000] as const;
/** How often closed bars are handed to the stand-in (wall time): well under a bar at any speed. */
const FEED_EVERY_MS = 100;
/**
 * Wall time after the run's end (no fault is started after it) for the cluster to settle
 * before it is stopped: the live path's own bound for the last fault, an AddOrder without an
 * answer judged once its deadline has passed (`KrakenExchange.lateArrivalMs`, 15 s), then the
 * reconciliation's pass and the new stop. Shorter, a gap still open at the end measured the
 * harness, not the system.
 */
const SETTLE_MS = 30_000;
/** Time a process has to stop on SIGTERM beyond `shutdownGiveUpMs` (after which it exits by itself). */
const STOP_MARGIN_MS = 5_000;
/**
 * Where the replay starts: the recordings' autumn 2021, a falling market with trades both ways;
 * a market hour or two before the built-in panel's first entries (BTC/USD about 17:30), so
 * that even a short run at the default speed places orders.
 */
const REPLAY_START = '2021-11-02T15:00:00Z';

/**
 * A rehearsal of the live path: the Kraken stand-in (strict: Kraken's real AssetPairs rules,
 * held funds, rate limits, `deadline`, the dead man's switch), its own redis-server and
 * PostgreSQL database, and a cluster (a scheduler and `workers` workers) in live mode against
 * it, on replay; the stand-in fills from the same replayed bars the cluster sees. First the
 * preflight (`live check`) against the stand-in, then trading with the seeded fault schedule
 * until the time is up; then the cluster is stopped, the books audited, and the stand-in asked
 * what it refused, how often it said "rate limit", and how long a position went without a stop.
 * Leaves nothing behind unless the run failed or `keep`.
 *
 * @throws HarnessInterrupted on SIGINT or SIGTERM, once everything is released.
 */
export async function runRehearsal(options: RehearseOptions, say: (line: string) => void): Promise<RehearsalSummary> {
  const seed = options.seed ?? randomInt(0, 2 ** 31 - 1);
  const runMs = options.minutes * 60_000;
  say(
    `rehearse: seed ${seed}, ${options.minutes} min, ${options.workers} workers, replay speed ${options.speed}${options.faults ? '' : ', no faults'}`,
  );

  const abort = new AbortController();
  const signal = abort.signal;
  const stopListening = listenForInterrupts(abort, say, 'rehearse');
  let dir: string | undefined;
  let redisServer: RedisServerProcess | undefined;
  let db: ChaosDatabase | undefined;
  let rt: Runtime | undefined;
  let standIn: RehearsalStandIn | undefined;
  let replay: ReplayClock | undefined;
  let feed: MarketFeedToStandIn | undefined;
  let cluster: ChaosCluster | undefined;
  const onExit = () => {
    cluster?.killAllNow();
    if (redisServer?.isRunning()) process.kill(redisServer.pid, 'SIGKILL');
  };
  process.once('exit', onExit);

  async function release(keep: boolean): Promise<void> {
    const step = async (what: string, action: () => Promise<unknown> | undefined) => {
      try {
        await action();
      } catch (err) {
        say(`rehearse: could not ${what}: ${describeError(err)}`);
      }
    };
    await step('stop the cluster', () => cluster?.stopAll(stopTimeoutMs()));
    await step('stop the market feed', () => feed?.stop());
    replay?.stop();
    const into = dir;
    if (keep && into !== undefined && standIn !== undefined) {
      const lines = standIn.requestLog();
      await step('write the requests Kraken received', () =>
        writeFile(join(into, 'kraken-requests.log'), lines.join('\n') + '\n'),
      );
    }
    await step('stop the Kraken stand-in', () => standIn?.close());
    await step('close its Redis connections', () => rt?.close());
    await step('stop redis-server', () => redisServer?.shutdown());
    if (keep) {
      await step('close the database connections', () => db?.database.close());
      if (dir !== undefined) say(`kept: ${db ? `database ${db.name}, ` : ''}Redis files and process logs in ${dir}`);
    } else {
      await step(`drop database ${db?.name}`, () => db?.drop());
      await step(`remove ${dir}`, () => (dir === undefined ? undefined : rm(dir, { recursive: true, force: true })));
    }
  }
  const stopTimeoutMs = () => shutdownGiveUpMs(rt?.config.app) + STOP_MARGIN_MS;

  try {
    let result: RehearsalResult;
    try {
      dir = await mkdtemp(join(tmpdir(), `triplegain-rehearse-${seed}-`));
      redisServer = await spawnRedisServer({
        executable: options.redisServer,
        dir: join(dir, 'redis'),
        appendonly: false,
        detached: true,
      });
      db = await createChaosDatabase(process.env.DATABASE_URL || options.serverUrl, seed, 'tgrehearse');
      const apiKey = `rehearse-${randomBytes(8).toString('hex')}`;
      const apiSecret = randomBytes(64).toString('base64');
      standIn = await rehearsalStandIn({ apiKey, apiSecret });
      const env: NodeJS.ProcessEnv = {
        ...process.env,
        REDIS_URL: redisServer.url,
        DATABASE_URL: db.url,
        KRAKEN_API_KEY: apiKey,
        KRAKEN_API_SECRET: apiSecret,
        TRIPLEGAIN__APP__MODE: 'live',
        TRIPLEGAIN__EXECUTION__EXCHANGE: 'kraken',
        TRIPLEGAIN__EXECUTION__KRAKEN__BASE_URL: standIn.url,
        // Kraken's public data (the preflight's Time, AssetPairs and Ticker) from the stand-in too.
        TRIPLEGAIN__MARKET_DATA__KRAKEN__BASE_URL: standIn.url,
        // Faults end in timeouts: a short one keeps each fault's effect short.
        TRIPLEGAIN__EXECUTION__KRAKEN__TIMEOUT_MS: '3000',
        // No core holdings: every coin held is a position, which the stand-in checks for a stop.
        TRIPLEGAIN__PORTFOLIO__TARGETS: '{USD: 100}',
        // Orders are what the rehearsal rehearses: every BUY of the replay may add to its position.
        TRIPLEGAIN__RISK__MAX_ADDS_PER_POSITION: '1000',
        TRIPLEGAIN__MARKET_DATA__SOURCE: 'replay',
        TRIPLEGAIN__MARKET_DATA__REPLAY__SPEED: String(options.speed),
        TRIPLEGAIN__MARKET_DATA__REPLAY__START_AT: REPLAY_START,
      };
      rt = await openRuntime({ env, service: 'rehearse', logger: createLogger({ level: 'error', stderr: true }) });
      const config = rt.config;

      // The market first: the stand-in needs a price before the first market order.
      replay = await openReplayClock(rt, { startMs: Date.parse(REPLAY_START), speed: options.speed });
      const replayFeed = new ReplayFeed({
        files: config.marketData.replay.files,
        timeframe: config.marketData.timeframe,
        clock: replay.clock,
        rootDir: projectRoot,
      });
      feed = feedMarketToStandIn({
        feed: replayFeed,
        symbols: config.symbols.pairs,
        sink: standIn,
        everyMs: FEED_EVERY_MS,
        logger: rt.logger,
      });
      await feed.tick();

      const preflight = await runPreflight(rt);
      say(`preflight (live check against the stand-in): ${preflight.passed ? 'passed' : 'FAILED'}`);
      for (const line of preflight.passed ? [] : preflight.lines) say(`  ${line}`);

      cluster = new ChaosCluster({ env, logDir: dir });
      cluster.start('scheduler');
      for (let i = 0; i < options.workers; i++) cluster.start('worker');
      const startedAt = Date.now();
      if ((await nextDecisionAfter(db, await db.now(), WARM_UP_LIMIT_MS, signal)) === undefined)
        throw new Error(`no panel decision within ${WARM_UP_LIMIT_MS / 1000} s of the start (logs: ${dir})`);
      say(`cluster up: first decision after ${((Date.now() - startedAt) / 1000).toFixed(1)} s`);
      const deadline = startedAt + runMs;

      const faults: RehearsalFaultOutcome[] = [];
      for (const fault of options.faults
        ? planRehearsalFaults({ seed, count: 10_000, gapMs: GAP_MS, outageMs: OUTAGE_MS })
        : []) {
        if (Date.now() + fault.gapMs + fault.outageMs >= deadline) break;
        await sleep(fault.gapMs, undefined, { signal });
        const outcome = await standIn.inject(fault, signal);
        faults.push(outcome);
        say(
          `${new Date().toISOString().slice(11, 19)} ${outcome.kind}: ${outcome.detail}${outcome.landed ? '' : ' (no request came in time)'}`,
        );
      }
      await sleep(Math.max(0, deadline - Date.now()) + SETTLE_MS, undefined, { signal });

      await cluster.stopAll(stopTimeoutMs());
      await feed.stop();
      const audit = await runAudit(db.database.db, auditContextOf(config));
      for (const v of audit.violations) say(`audit: ${JSON.stringify(v)}`);
      const seen = standIn.report({ graceMs: REHEARSAL_STOP_GRACE_MS });
      result = {
        seed,
        preflight,
        orders: seen.orders,
        refusals: seen.refusals,
        refusedRequests: seen.refusedRequests,
        rateLimitErrors: seen.rateLimitErrors,
        requests: { byMethod: seen.requests, wallMs: Date.now() - startedAt },
        apiCounter: seen.apiCounter,
        unprotectedMinutes: seen.unprotectedMinutes,
        unprotectedGaps: seen.unprotectedGaps,
        faults,
        unplannedExits: cluster.unplannedExits,
        audit: { violations: audit.violations.length, invariantsChecked: audit.invariantsChecked },
      };
      signal.throwIfAborted();
    } catch (err) {
      const interrupted = signal.aborted;
      await release(interrupted || cluster === undefined ? options.keep : true);
      throw interrupted ? (signal.reason as Error) : err;
    }
    const summary = summarizeRehearsal(result);
    await release(summary.failures.length > 0 || options.keep);
    return summary;
  } finally {
    stopListening();
    process.removeListener('exit', onExit);
  }
}
