import { randomBytes, randomInt } from 'node:crypto';
import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { setTimeout as sleep } from 'node:timers/promises';
import { Redis } from 'ioredis';
import { auditContextOf } from '../audit/audit-context.ts';
import { runAudit } from '../audit/run-audit.ts';
import { ControlPlane } from '../control/control-plane.ts';
import { findFreePort } from '../redis/free-port.ts';
import { spawnRedisServer, type RedisServerProcess } from '../redis/redis-server-process.ts';
import { openRuntime, type Runtime } from '../runtime/open-runtime.ts';
import { shutdownGiveUpMs } from '../runtime/shutdown-give-up-ms.ts';
import { createLogger } from '../shared/logger.ts';
import { describeError } from '../shared/triplegain-error.ts';
import { ChaosCluster } from './chaos-cluster.ts';
import type { ChaosContext } from './chaos-context.ts';
import { createChaosDatabase, type ChaosDatabase } from './chaos-database.ts';
import { resumeTrading, runFault } from './chaos-faults.ts';
import type { ChaosOptions } from './chaos-options.ts';
import { summarizeChaos, type ChaosResult, type ChaosSummary } from './chaos-summary.ts';
import { HALT_HOLD_MIN_MS, haltHoldMs } from './halt-hold-ms.ts';
import { listenForInterrupts } from './listen-for-interrupts.ts';
import { nextDecisionAfter } from './next-decision-after.ts';
import { planFaults } from './plan-faults.ts';
import { scanLogs } from './scan-logs.ts';

/** Wall time the cluster may take from start to its first panel decision. */
const WARM_UP_LIMIT_MS = 120_000;
/** Wall time after a fault within which the next panel decision must be recorded. */
export const RECOVERY_LIMIT_MS = 60_000;
/** Seeded pause between faults (wall time). */
const GAP_MS = [2_000, 6_000] as const;
/** Time a process has to stop on SIGTERM beyond `shutdownGiveUpMs` (after which it exits by itself). */
const STOP_MARGIN_MS = 5_000;

/**
 * A chaos run: its own redis-server (AOF) and PostgreSQL database, a scheduler, `workers`
 * workers and the dashboard on replay; a fault-free baseline, then the seeded fault schedule
 * until the time is up; then everything stopped, the audit, and the summary. Leaves nothing
 * behind unless the run failed, threw once its cluster had started, or `keep` (then it says
 * where the evidence is).
 *
 * SIGINT (Ctrl-C) or SIGTERM during the run stops it: the cluster and redis-server are
 * stopped, the database and files dropped (kept with `keep`), then `HarnessInterrupted` is thrown.
 * redis-server runs in a process group of its own, so that a Ctrl-C in the terminal does not
 * take it away before the cluster has stopped on it.
 *
 * @throws HarnessInterrupted on SIGINT or SIGTERM, once everything is released.
 */
export async function runChaos(options: ChaosOptions, say: (line: string) => void): Promise<ChaosSummary> {
  const seed = options.seed ?? randomInt(0, 2 ** 31 - 1);
  const runMs = options.minutes * 60_000;
  say(
    `chaos: seed ${seed}, ${options.minutes} min, ${options.workers} workers, replay speed ${options.speed}${options.faults ? '' : ', no faults'}`,
  );

  const abort = new AbortController();
  const signal = abort.signal;
  const stopListening = listenForInterrupts(abort, say, 'chaos');
  // What the run has started so far: `release` stops and removes exactly that.
  let dir: string | undefined;
  let redisServer: RedisServerProcess | undefined;
  let db: ChaosDatabase | undefined;
  let rt: Runtime | undefined;
  let connection: Redis | undefined;
  let cluster: ChaosCluster | undefined;
  // A harness leaving without `release` (process.exit, an uncaught error) still takes its processes along.
  const onExit = () => {
    cluster?.killAllNow();
    if (redisServer?.isRunning()) process.kill(redisServer.pid, 'SIGKILL');
  };
  process.once('exit', onExit);

  /** Stops what the run started; keeps the evidence (database, Redis files, logs) when asked. Every step is tried. */
  async function release(keep: boolean): Promise<void> {
    const step = async (what: string, action: () => Promise<unknown> | undefined) => {
      try {
        await action();
      } catch (err) {
        say(`chaos: could not ${what}: ${describeError(err)}`);
      }
    };
    await step('stop the cluster', () => cluster?.stopAll(stopTimeoutMs()));
    await step('close its Redis connections', () => rt?.close());
    connection?.disconnect();
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
    let result: ChaosResult;
    try {
      dir = await mkdtemp(join(tmpdir(), `triplegain-chaos-${seed}-`));
      const redisDir = join(dir, 'redis');
      const startRedis = (port?: number) =>
        spawnRedisServer({
          executable: options.redisServer,
          dir: redisDir,
          port,
          appendonly: true,
          appendfsync: 'everysec',
          detached: true,
        });
      redisServer = await startRedis();
      db = await createChaosDatabase(process.env.DATABASE_URL || options.serverUrl, seed);
      const boardPassword = randomBytes(12).toString('hex');
      const env: NodeJS.ProcessEnv = {
        ...process.env,
        REDIS_URL: redisServer.url,
        DATABASE_URL: db.url,
        DASHBOARD_PASSWORD: boardPassword,
        TRIPLEGAIN__APP__MODE: 'paper',
        TRIPLEGAIN__EXECUTION__EXCHANGE: 'paper',
        TRIPLEGAIN__MARKET_DATA__SOURCE: 'replay',
        TRIPLEGAIN__MARKET_DATA__REPLAY__SPEED: String(options.speed),
        TRIPLEGAIN__MARKET_DATA__REPLAY__START_AT: '2021-11-01',
        // Orders in flight are what the faults hit: every BUY of the replay may add to its position.
        TRIPLEGAIN__RISK__MAX_ADDS_PER_POSITION: '1000',
        TRIPLEGAIN__DASHBOARD__HOST: '127.0.0.1',
        TRIPLEGAIN__DASHBOARD__PORT: String(await findFreePort()),
      };
      rt = await openRuntime({ env, service: 'chaos', logger: createLogger({ level: 'error', stderr: true }) });
      connection = new Redis(redisServer.url, { maxRetriesPerRequest: null });
      connection.on('error', () => undefined);
      const control = new ControlPlane({ redis: rt.redis, keys: rt.keys, connection, bus: rt.bus, logger: rt.logger });
      cluster = new ChaosCluster({ env, logDir: dir });
      const ctx: ChaosContext = {
        cluster,
        db,
        redis: rt.redis,
        keys: rt.keys,
        control,
        restartRedis: async (downMs) => {
          const { port } = redisServer!;
          await redisServer!.stop('SIGKILL');
          await sleep(downMs, undefined, { signal });
          redisServer = await startRedis(port);
        },
        board: {
          url: `http://127.0.0.1:${env.TRIPLEGAIN__DASHBOARD__PORT}`,
          user: rt.config.dashboard.user,
          password: boardPassword,
        },
        haltHoldMs: HALT_HOLD_MIN_MS,
        signal,
        say,
      };

      cluster.start('scheduler');
      for (let i = 0; i < options.workers; i++) cluster.start('worker');
      cluster.start('dashboard');
      const startedAt = Date.now();
      const first = await nextDecisionAfter(db, await db.now(), WARM_UP_LIMIT_MS, signal);
      if (first === undefined)
        throw new Error(`no panel decision within ${WARM_UP_LIMIT_MS / 1000} s of the start (logs: ${dir})`);
      say(`cluster up: first decision after ${((Date.now() - startedAt) / 1000).toFixed(1)} s`);
      const deadline = Date.now() + runMs;

      const baselineFrom = await db.now();
      await sleep(options.faults ? runMs * options.baselineShare : runMs, undefined, { signal });
      const baselineTo = await db.now();
      const baseline = {
        orders: await db.submissionsBetween(baselineFrom, baselineTo),
        wallMs: baselineTo.getTime() - baselineFrom.getTime(),
      };
      ctx.haltHoldMs = haltHoldMs(baseline);
      say(
        `baseline: ${baseline.orders} orders in ${(baseline.wallMs / 1000).toFixed(1)} s without faults${options.faults ? `; a halt is held ${(ctx.haltHoldMs / 1000).toFixed(1)} s` : ''}`,
      );

      const outcomes: ChaosResult['faults'][number][] = [];
      for (const fault of options.faults
        ? planFaults({ seed, count: 10_000, workers: options.workers, gapMs: GAP_MS })
        : []) {
        if (Date.now() + fault.gapMs >= deadline) break;
        await sleep(fault.gapMs, undefined, { signal });
        // A risk breaker may have halted trading in the meantime: lift it, so the fault meets load.
        await resumeTrading(ctx);
        const startedAtMs = Date.now();
        const outcome = await runFault(ctx, fault, startedAtMs);
        const recovery = await nextDecisionAfter(db, await db.now(), RECOVERY_LIMIT_MS, signal);
        outcome.recoveryMs = recovery;
        outcomes.push(outcome);
        say(
          `${new Date(startedAtMs).toISOString().slice(11, 19)} ${outcome.kind}${outcome.detail ? ` (${outcome.detail})` : ''}: flowing again after ${recovery === undefined ? 'never' : `${(recovery / 1000).toFixed(1)} s`}${outcome.submissionsAfterHalt > 0 ? `, ${outcome.submissionsAfterHalt} SUBMISSIONS AFTER HALT` : ''}`,
        );
      }
      const faultedTo = await db.now();
      const faultedOrders = await db.submissionsBetween(baselineTo, faultedTo);

      await cluster.stopAll(stopTimeoutMs());
      const audit = await runAudit(db.database.db, auditContextOf(rt.config));
      for (const v of audit.violations) say(`audit: ${JSON.stringify(v)}`);
      result = {
        seed,
        workers: options.workers,
        baseline,
        faulted: { orders: faultedOrders, wallMs: faultedTo.getTime() - baselineTo.getTime() },
        faults: outcomes,
        unplannedExits: cluster.unplannedExits,
        logs: await scanLogs(dir),
        audit: { violations: audit.violations.length, invariantsChecked: audit.invariantsChecked },
      };
      signal.throwIfAborted();
    } catch (err) {
      const interrupted = signal.aborted;
      // A run that failed keeps its evidence, if there is any: not when it failed before the cluster started.
      await release(interrupted || cluster === undefined ? options.keep : true);
      throw interrupted ? (signal.reason as Error) : err;
    }
    const summary = summarizeChaos(result);
    await release(summary.failures.length > 0 || options.keep);
    return summary;
  } finally {
    stopListening();
    process.removeListener('exit', onExit);
  }
}
