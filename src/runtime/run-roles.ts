import { Redis } from 'ioredis';
import { z } from 'zod';
import { ControlPlane } from '../control/control-plane.ts';
import { createControlRouter } from '../control/control-router.ts';
import { readClusterStatus } from '../control/read-cluster-status.ts';
import { startDashboard } from '../dashboard/start-dashboard.ts';
import { createMetricsRouter } from '../metrics/create-metrics-router.ts';
import { effectiveSchedules } from '../queues/effective-schedules.ts';
import type { CatalogQueueName } from '../queues/queue-catalog.ts';
import { syncReconcileSchedule, syncSchedules } from '../queues/sync-schedules.ts';
import { openMetricsDatabase } from './open-metrics-database.ts';
import { openRuntime } from './open-runtime.ts';
import { roleNames } from './role-names.ts';
import { startWorkerRole } from './start-worker-role.ts';

/** Wall time a stopping process gets past `app.shutdownDeadlineMs` to release what it holds before it exits anyway (code 1). */
export const SHUTDOWN_GRACE_MS = 10_000;

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
 *   retention; schedulers live in Redis, so ticks keep coming while any worker is up;
 * - `worker` runs the queue workers, the event-log recorder and the degradation monitor;
 * - `dashboard` serves Bull Board at `/ui`, the control API at `/control` and `/metrics`;
 * - `all` runs the three.
 * On a signal, workers stop taking jobs, active ones get `app.shutdownDeadlineMs` to finish,
 * and those still running are put back in their queues for another worker. A stop still
 * unfinished `SHUTDOWN_GRACE_MS` after that deadline (Redis or PostgreSQL gone) is abandoned:
 * the process logs it and exits with code 1.
 */
export async function runRoles(options: RunRolesOptions): Promise<void> {
  const runs = (role: Role) => options.role === 'all' || options.role === role;
  const rt = await openRuntime({
    configFile: options.configFile,
    allowEmbeddedRedis: true,
    withDatabase: runs('worker'),
    service: 'triplegain',
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
        const changes = await syncSchedules({ connection, keys: rt.keys, schedules: effectiveSchedules(config) });
        const reconcile = await syncReconcileSchedule({ connection, keys: rt.keys, everyMs: config.execution.kraken.reconcileIntervalMs });
        logger.info({ schedules: changes.map((c) => `${c.task}:${c.action}${c.everyMs ? `@${c.everyMs}ms` : ''}`), reconcile }, 'schedules synced');
      } finally {
        connection.disconnect();
      }
      rt.bus.startMaintenance();
    }
    if (runs('dashboard')) {
      const connection = new Redis(rt.redisUrl, { maxRetriesPerRequest: null, connectionName: 'triplegain-dashboard' });
      const control = new ControlPlane({ redis: rt.redis, keys: rt.keys, connection, bus: rt.bus, logger });
      const router = createControlRouter({ control, token: config.control.token, status: () => readClusterStatus({ control, redis: rt.redis, keys: rt.keys }), logger });
      const metricsDb = openMetricsDatabase(rt);
      const metrics = createMetricsRouter({ config, redis: rt.redis, connection, keys: rt.keys, control, db: metricsDb.db, logger });
      const dashboard = await startDashboard({ config: config.dashboard, connection, keys: rt.keys, logger, routes: [{ path: '/control', router }], metrics: metrics.router });
      stops.push(async () => {
        await dashboard.close();
        await metrics.close();
        await metricsDb.close();
        connection.disconnect();
      });
    }
    await rt.bus.publish('system.alert_raised', {
      severity: 'info',
      code: 'process.started',
      message: `triplegain ${options.role} process started`,
      details: { pid: process.pid, role: options.role, mode: config.app.mode, marketData: config.marketData.source, embeddedRedis: Boolean(rt.embeddedRedis), database: rt.database?.driver ?? null },
    });
    logger.info({ role: options.role, symbols: config.symbols.pairs }, 'triplegain started; stop with Ctrl-C');

    const signal = await stopped;
    logger.info({ signal, deadlineMs: config.app.shutdownDeadlineMs }, 'stopping');
    // A stop that waits on Redis or PostgreSQL while they are gone would wait for ever (BullMQ's
    // close, the bus, the pools). Past the deadline and a grace for the release, give up: the
    // jobs this process held come back to the queues when their locks expire.
    const overrunMs = config.app.shutdownDeadlineMs + SHUTDOWN_GRACE_MS;
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
