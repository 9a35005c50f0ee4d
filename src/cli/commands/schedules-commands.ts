import type { Command } from 'commander';
import { Redis } from 'ioredis';
import { effectiveSchedules } from '../../queues/effective-schedules.ts';
import { syncReconcileSchedule, syncSchedules } from '../../queues/sync-schedules.ts';
import { openRuntime } from '../../runtime/open-runtime.ts';
import { formatTable } from '../format-table.ts';

/**
 * `triplegain schedules sync`: makes the job schedulers in Redis match `schedules` in the
 * config (one per enabled task, a changed interval replaced, a disabled task's removed).
 * Idempotent, and safe to run from several processes at once; the scheduler role runs it too.
 */
export function registerSchedulesCommands(program: Command): void {
  const schedules = program.command('schedules').description('the timetable: one BullMQ job scheduler per task');
  schedules
    .command('sync')
    .description('create, update or remove job schedulers so that Redis matches the config')
    .action(async () => {
      const rt = await openRuntime({ configFile: program.opts<{ config?: string }>().config, service: 'triplegain-cli' });
      const connection = new Redis(rt.redisUrl, { maxRetriesPerRequest: null });
      try {
        const changes = await syncSchedules({ connection, keys: rt.keys, schedules: effectiveSchedules(rt.config) });
        const everyMs = rt.config.execution.kraken.reconcileIntervalMs;
        const reconcile = await syncReconcileSchedule({ connection, keys: rt.keys, everyMs });
        const rows = changes.map((c) => [c.task, c.queue, c.action, c.everyMs === undefined ? '-' : `${c.everyMs} ms`]);
        console.log(formatTable(['task', 'queue', 'action', 'every'], [...rows, ['reconcile', 'reconcile', reconcile, `${everyMs} ms`]]));
      } finally {
        connection.disconnect();
        await rt.close();
      }
    });
}
