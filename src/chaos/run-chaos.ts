import { randomBytes, randomInt } from 'node:crypto';
import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { Redis } from 'ioredis';
import { auditContextOf } from '../audit/audit-context.ts';
import { runAudit } from '../audit/run-audit.ts';
import { ControlPlane } from '../control/control-plane.ts';
import { findFreePort } from '../redis/free-port.ts';
import { spawnRedisServer } from '../redis/redis-server-process.ts';
import { openRuntime } from '../runtime/open-runtime.ts';
import { createLogger } from '../shared/logger.ts';
import { ChaosCluster } from './chaos-cluster.ts';
import type { ChaosContext } from './chaos-context.ts';
import { createChaosDatabase } from './chaos-database.ts';
import { resumeTrading, runFault } from './chaos-faults.ts';
import type { ChaosOptions } from './chaos-options.ts';
import { summarizeChaos, type ChaosResult, type ChaosSummary } from './chaos-summary.ts';
import { planFaults } from './plan-faults.ts';
import { scanLogs } from './scan-logs.ts';

/** Wall time the cluster may take from start to its first panel decision. */
const WARM_UP_LIMIT_MS = 120_000;
/** Wall time after a fault within which the next panel decision must be recorded. */
export const RECOVERY_LIMIT_MS = 60_000;
/** Seeded pause between faults (wall time). */
const GAP_MS = [2_000, 6_000] as const;

const waitMs = (ms: number) => new Promise((resolve) => setTimeout(resolve, ms));

/**
 * A chaos run: its own redis-server (AOF) and PostgreSQL database, a scheduler, `workers`
 * workers and the dashboard on replay; a fault-free baseline, then the seeded fault schedule
 * until the time is up; then everything stopped, the audit, and the summary. Leaves nothing
 * behind unless the run failed or `keep` (then it says where the logs are).
 */
export async function runChaos(options: ChaosOptions, say: (line: string) => void): Promise<ChaosSummary> {
  const seed = options.seed ?? randomInt(0, 2 ** 31 - 1);
  const runMs = options.minutes * 60_000;
  say(`chaos: seed ${seed}, ${options.minutes} min, ${options.workers} workers, replay speed ${options.speed}${options.faults ? '' : ', no faults'}`);
  const dir = await mkdtemp(join(tmpdir(), `triplegain-chaos-${seed}-`));
  let redisServer = await spawnRedisServer({ executable: options.redisServer, dir: join(dir, 'redis'), appendonly: true, appendfsync: 'everysec' });
  const db = await createChaosDatabase(process.env.DATABASE_URL || options.serverUrl, seed);
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
    TRIPLEGAIN__DASHBOARD__HOST: '127.0.0.1',
    TRIPLEGAIN__DASHBOARD__PORT: String(await findFreePort()),
  };
  const rt = await openRuntime({ env, service: 'chaos', logger: createLogger({ level: 'error', stderr: true }) });
  const connection = new Redis(redisServer.url, { maxRetriesPerRequest: null });
  connection.on('error', () => undefined);
  const control = new ControlPlane({ redis: rt.redis, keys: rt.keys, connection, bus: rt.bus, logger: rt.logger });
  const cluster = new ChaosCluster({ env, logDir: dir });
  const ctx: ChaosContext = {
    cluster,
    db,
    appDb: db.database.db,
    redis: rt.redis,
    keys: rt.keys,
    control,
    redisServer: () => redisServer,
    restartRedis: async (downMs) => {
      const { port, dir: redisDir } = redisServer;
      await redisServer.stop('SIGKILL');
      await waitMs(downMs);
      redisServer = await spawnRedisServer({ executable: options.redisServer, dir: redisDir, port, appendonly: true, appendfsync: 'everysec' });
    },
    board: { url: `http://127.0.0.1:${env.TRIPLEGAIN__DASHBOARD__PORT}`, user: rt.config.dashboard.user, password: boardPassword },
    say,
  };

  let result: ChaosResult;
  try {
    cluster.start('scheduler');
    for (let i = 0; i < options.workers; i++) cluster.start('worker');
    cluster.start('dashboard');
    const startedAt = Date.now();
    const first = await nextDecisionAfter(ctx, await db.now(), WARM_UP_LIMIT_MS);
    if (first === undefined) throw new Error(`no panel decision within ${WARM_UP_LIMIT_MS / 1000} s of the start (logs: ${dir})`);
    say(`cluster up: first decision after ${((Date.now() - startedAt) / 1000).toFixed(1)} s`);
    const deadline = Date.now() + runMs;

    const baselineFrom = await db.now();
    await waitMs(options.faults ? runMs * options.baselineShare : runMs);
    const baselineTo = await db.now();
    const baselineOrders = await db.submissionsBetween(baselineFrom, baselineTo);
    say(`baseline: ${baselineOrders} orders in ${((baselineTo.getTime() - baselineFrom.getTime()) / 1000).toFixed(1)} s without faults`);

    const outcomes: ChaosResult['faults'][number][] = [];
    for (const fault of options.faults ? planFaults({ seed, count: 10_000, workers: options.workers, gapMs: GAP_MS }) : []) {
      if (Date.now() + fault.gapMs >= deadline) break;
      await waitMs(fault.gapMs);
      // A risk breaker may have halted trading in the meantime: lift it, so the fault meets load.
      await resumeTrading(ctx);
      const startedAtMs = Date.now();
      const outcome = await runFault(ctx, fault, startedAtMs);
      const recovery = await nextDecisionAfter(ctx, await db.now(), RECOVERY_LIMIT_MS);
      outcome.recoveryMs = recovery;
      outcomes.push(outcome);
      say(`${new Date(startedAtMs).toISOString().slice(11, 19)} ${outcome.kind}${outcome.detail ? ` (${outcome.detail})` : ''}: flowing again after ${recovery === undefined ? 'never' : `${(recovery / 1000).toFixed(1)} s`}${outcome.submissionsAfterHalt > 0 ? `, ${outcome.submissionsAfterHalt} SUBMISSIONS AFTER HALT` : ''}`);
    }
    const faultedTo = await db.now();
    const faultedOrders = await db.submissionsBetween(baselineTo, faultedTo);

    await cluster.stopAll();
    const audit = await runAudit(db.database.db, auditContextOf(rt.config));
    for (const v of audit.violations) say(`audit: ${JSON.stringify(v)}`);
    result = {
      seed,
      workers: options.workers,
      baseline: { orders: baselineOrders, wallMs: baselineTo.getTime() - baselineFrom.getTime() },
      faulted: { orders: faultedOrders, wallMs: faultedTo.getTime() - baselineTo.getTime() },
      faults: outcomes,
      unplannedExits: cluster.unplannedExits,
      logs: await scanLogs(dir),
      audit: { violations: audit.violations.length, invariantsChecked: audit.invariantsChecked },
    };
  } catch (err) {
    await release(true);
    throw err;
  }
  const summary = summarizeChaos(result);
  await release(summary.failures.length > 0 || options.keep);
  return summary;

  /** Stops what the run started; keeps the evidence (database, Redis files, logs) when asked. */
  async function release(keep: boolean): Promise<void> {
    await cluster.stopAll();
    await rt.close();
    connection.disconnect();
    await redisServer.shutdown();
    if (keep) {
      await db.database.close();
      say(`kept: database ${db.name}, Redis files and process logs in ${dir}`);
    } else {
      await db.drop();
      await rm(dir, { recursive: true, force: true });
    }
  }
}

/** Wall time from `after` (database clock) to the first panel decision recorded after it; undefined past `limitMs`. */
async function nextDecisionAfter(ctx: ChaosContext, after: Date, limitMs: number): Promise<number | undefined> {
  const started = Date.now();
  while (Date.now() - started < limitMs) {
    const at = await ctx.db.latestDecisionAt().catch(() => null);
    if (at !== null && at > after) return at.getTime() - after.getTime();
    await waitMs(100);
  }
  return undefined;
}
