import { Redis } from 'ioredis';
import { effectiveSchedules } from '../../queues/effective-schedules.ts';
import { syncReconcileSchedule, syncSchedules } from '../../queues/sync-schedules.ts';
import { openRuntime } from '../../runtime/open-runtime.ts';
import { formatTable } from '../../shared/format-table.ts';

export interface SchedulesSyncActionOptions {
  /** The global `-c/--config` file; undefined for the default layers. */
  configFile: string | undefined;
}

/**
 * The work of `triplegain schedules sync`: makes the job schedulers in Redis match the config's
 * `schedules` and the reconcile interval, then prints one row per task (queue, action taken,
 * interval). Idempotent. The runtime is closed whatever happens.
 */
export async function schedulesSyncAction(options: SchedulesSyncActionOptions): Promise<void> {
  const rt = await openRuntime({ configFile: options.configFile, service: 'triplegain-cli' });
  const connection = new Redis(rt.redisUrl, { maxRetriesPerRequest: null });
  try {
    const changes = await syncSchedules({ connection, keys: rt.keys, schedules: effectiveSchedules(rt.config) });
    const everyMs = rt.config.execution.kraken.reconcileIntervalMs;
    const reconcile = await syncReconcileSchedule({ connection, keys: rt.keys, everyMs });
    const rows = changes.map((c) => [c.task, c.queue, c.action, c.everyMs === undefined ? '-' : `${c.everyMs} ms`]);
    console.log(
      formatTable(
        ['task', 'queue', 'action', 'every'],
        [...rows, ['reconcile', 'reconcile', reconcile, `${everyMs} ms`]],
      ),
    );
  } finally {
    connection.disconnect();
    await rt.close();
  }
}
