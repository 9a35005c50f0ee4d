import { Redis } from 'ioredis';
import { z } from 'zod';
import { effectiveSchedules } from '../queues/effective-schedules.ts';
import type { CatalogQueueName } from '../queues/queue-catalog.ts';
import { loadHistoryFirst } from '../queues/load-history-first.ts';
import { syncReconcileSchedule, syncSchedules } from '../queues/sync-schedules.ts';
import { openRuntime } from './open-runtime.ts';
import { roleNames } from './role-names.ts';
import { checkDashboardTokens, startDashboardRole } from './start-dashboard-role.ts';
import { shutdownGiveUpMs } from './shutdown-give-up-ms.ts';
import { startWorkerRole } from './start-worker-role.ts';

/**
 * How long a first start waits (wall time) for each pair's history before it starts the
 * schedules anyway: a scheduler started before any worker must not wait for ever.
 */
const HISTORY_WAIT_MS = 60_000;

/** What one process runs, one of `roleNames`. */
export const Role = z.enum(roleNames);
export type Role = z.infer<typeof Role>;

export interface RunRolesOptions {
  configFile?: string;
  role: Role;
  /** Worker role: only these queues (default all). */
  queues?: readonly CatalogQueueName[];
}

/**
 * Runs a role until SIGINT or SIGTERM, then stops it gracefully:
 * - `scheduler` makes the job schedulers match the config (`syncSchedules`) and runs bus
 *   retention; schedulers live in Redis, so ticks keep coming while any worker is up. On a
 *   first start it loads each pair's history before creating them (`loadHistoryFirst`);
 * - `worker` runs the queue workers, the event-log recorder and the degradation monitor;
 * - `dashboard` serves the status page at `/`, Bull Board at `/ui`, the control API at `/control` and `/metrics` (`startDashboardRole`);
 * - `all` runs the three.
 * On a signal, workers stop taking jobs, active ones get `app.shutdownDeadlineMs` to finish,
 * and those still running are put back in their queues for another worker. A stop still
 * unfinished `app.shutdownGraceMs` after that deadline (Redis or PostgreSQL gone) is abandoned:
 * the process logs it and exits with code 1.
 */
export async function runRoles(options: RunRolesOptions): Promise<void> {
  const runs = (role: Role) => options.role === 'all' || options.role === role;
  const rt = await openRuntime({
    configFile: options.configFile,
    allowEmbeddedRedis: true,
    withDatabase: runs('worker'),
    service: 'triplegain',
    checkConfig: runs('dashboard') ? checkDashboardTokens : undefined,
  });
  const { config, logger } = rt;
  const stops: (() => Promise<void>)[] = [];
  const stopped = new Promise<NodeJS.Signals>((resolve) => {
    process.once('SIGINT', () => resolve('SIGINT'));
    process.once('SIGTERM', () => resolve('SIGTERM'));
  });

  try {
    if (runs('worker')) {
      const role = await startWorkerRole(rt, { queues: options.queues });
      stops.push(() => role.stop());
    }
    if (runs('scheduler')) {
      const connection = new Redis(rt.redisUrl, { maxRetriesPerRequest: null });
      try {
        const history = await loadHistoryFirst({
          connection,
          keys: rt.keys,
          pairs: config.symbols.pairs,
          timeoutMs: HISTORY_WAIT_MS,
          logger,
        });
        if (history?.noWorker)
          logger.info(
            'first start: no market-data worker running yet; the schedule loads the history for the first one',
          );
        else if (history && history.notLoaded.length === 0)
          logger.info({ pairs: history.loaded }, 'first start: history loaded before the first analysis');
        if (history && history.notLoaded.length > 0)
          logger.warn(
            { loaded: history.loaded, notLoaded: history.notLoaded },
            'first start: history not loaded for every pair; analyses of those wait for the market-data schedule',
          );
        const changes = await syncSchedules({ connection, keys: rt.keys, schedules: effectiveSchedules(config) });
        const reconcile = await syncReconcileSchedule({
          connection,
          keys: rt.keys,
          everyMs: config.execution.kraken.reconcileIntervalMs,
        });
        logger.info(
          { schedules: changes.map((c) => `${c.task}:${c.action}${c.everyMs ? `@${c.everyMs}ms` : ''}`), reconcile },
          'schedules synced',
        );
      } finally {
        connection.disconnect();
      }
      rt.bus.startMaintenance();
    }
    if (runs('dashboard')) {
      const role = await startDashboardRole(rt);
      stops.push(() => role.stop());
    }
    await rt.bus.publish('system.alert_raised', {
      severity: 'info',
      code: 'process.started',
      message: `triplegain ${options.role} process started`,
      details: {
        pid: process.pid,
        role: options.role,
        mode: config.app.mode,
        marketData: config.marketData.source,
        embeddedRedis: Boolean(rt.embeddedRedis),
        database: rt.database?.driver ?? null,
      },
    });
    logger.info({ role: options.role, symbols: config.symbols.pairs }, 'triplegain started; stop with Ctrl-C');

    const signal = await stopped;
    logger.info({ signal, deadlineMs: config.app.shutdownDeadlineMs }, 'stopping');
    // A stop that waits on Redis or PostgreSQL while they are gone would wait for ever (BullMQ's
    // close, the bus, the pools). Past the deadline and a grace for the release, give up: the
    // jobs this process held come back to the queues when their locks expire.
    const overrunMs = shutdownGiveUpMs(config.app);
    setTimeout(() => {
      logger.error({ signal, afterMs: overrunMs }, 'shutdown overran its deadline; exiting without a clean stop');
      process.exit(1);
    }, overrunMs).unref();
  } finally {
    // Last started, first stopped: workers finish before their dependencies close.
    for (const stop of stops.reverse()) await stop();
    await rt.close();
  }
  logger.info('stopped');
}
