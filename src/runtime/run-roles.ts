import { Queue } from 'bullmq';
import { Redis } from 'ioredis';
import { z } from 'zod';
import { ControlPlane } from '../control/control-plane.ts';
import { createControlRouter } from '../control/control-router.ts';
import { readClusterStatus } from '../control/read-cluster-status.ts';
import { startCoordinator } from '../coordinator/coordinator-service.ts';
import { startDashboard } from '../dashboard/start-dashboard.ts';
import { untradedAccount } from '../risk/portfolio-reader.ts';
import { DegradationMonitor } from '../degradation/degradation-monitor.ts';
import { recoverDegradation } from '../degradation/recover-degradation.ts';
import { InsufficientDataError } from '../agents/insufficient-data-error.ts';
import { effectiveSchedules } from '../queues/effective-schedules.ts';
import type { CatalogQueueName } from '../queues/queue-catalog.ts';
import { syncSchedules } from '../queues/sync-schedules.ts';
import { startTaskWorkers } from '../workers/start-task-workers.ts';
import { startSystemEventRecorder } from '../workers/system-event-recorder.ts';
import { buildTaskDeps } from './build-task-deps.ts';
import { openRuntime } from './open-runtime.ts';

/** What one process runs. `all` is the single-process installation. */
export const Role = z.enum(['all', 'worker', 'scheduler', 'dashboard']);
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
 * - `dashboard` serves Bull Board at `/ui`;
 * - `all` runs the three.
 * On a signal, workers stop taking jobs, active ones get `app.shutdownDeadlineMs` to finish,
 * and those still running are put back in their queues for another worker.
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
      const db = rt.database!.db;
      const degradation = new DegradationMonitor({ redis: rt.redis, keys: rt.keys, bus: rt.bus, config: config.degradation, clock: rt.clock, logger });
      const built = await buildTaskDeps(rt, degradation);
      stops.push(() => built.close());
      await startSystemEventRecorder({ bus: rt.bus, db });
      const control = new ControlPlane({ redis: rt.redis, keys: rt.keys, connection: built.deps.connection, bus: rt.bus, logger });
      const recovered = await control.recover(db);
      const level = await recoverDegradation({ redis: rt.redis, keys: rt.keys, db, nowMs: Date.now() });
      logger.info({ state: recovered.state, stateFrom: recovered.source, level: level.level, levelFrom: level.source }, 'trading state and degradation level');
      // Until positions are tracked, the account is the paper account's starting cash.
      const portfolio = untradedAccount(config.execution.paper.startingCashUsd);
      const riskJobs = new Queue('risk', { connection: built.deps.connection, prefix: rt.keys.queuePrefix });
      stops.push(() => riskJobs.close());
      await startCoordinator({ config, db, bus: rt.bus, clock: rt.clock, logger, gateway: built.deps.gateway, control, degradation, portfolio, riskQueue: riskJobs });
      const workers = await startTaskWorkers(built.deps, {
        queues: options.queues,
        risk: { control, portfolio },
        onOutcome: (outcome) => {
          if (outcome.ok) void degradation.recordSuccess(`task:${outcome.queue}`);
          // Too little history is not a fault: the next run, with more candles, succeeds.
          else if (!(outcome.error instanceof InsufficientDataError)) void degradation.recordFailure(`task:${outcome.queue}`, outcome.error);
        },
      });
      stops.push(() => workers.close(config.app.shutdownDeadlineMs));
    }
    if (runs('scheduler')) {
      const connection = new Redis(rt.redisUrl, { maxRetriesPerRequest: null });
      try {
        const changes = await syncSchedules({ connection, keys: rt.keys, schedules: effectiveSchedules(config) });
        logger.info({ schedules: changes.map((c) => `${c.task}:${c.action}${c.everyMs ? `@${c.everyMs}ms` : ''}`) }, 'schedules synced');
      } finally {
        connection.disconnect();
      }
      rt.bus.startMaintenance();
    }
    if (runs('dashboard')) {
      const connection = new Redis(rt.redisUrl, { maxRetriesPerRequest: null, connectionName: 'triplegain-dashboard' });
      const control = new ControlPlane({ redis: rt.redis, keys: rt.keys, connection, bus: rt.bus, logger });
      const router = createControlRouter({ control, token: config.control.token, status: () => readClusterStatus({ control, redis: rt.redis, keys: rt.keys }), logger });
      const dashboard = await startDashboard({ config: config.dashboard, connection, keys: rt.keys, logger, routes: [{ path: '/control', router }] });
      stops.push(async () => {
        await dashboard.close();
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
  } finally {
    // Last started, first stopped: workers finish before their dependencies close.
    for (const stop of stops.reverse()) await stop();
    await rt.close();
  }
  logger.info('stopped');
}
