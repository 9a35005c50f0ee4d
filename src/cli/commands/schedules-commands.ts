import type { Command } from 'commander';

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
      const { schedulesSyncAction } = await import('../actions/schedules-sync-action.ts');
      await schedulesSyncAction({ configFile: program.opts<{ config?: string }>().config });
    });
}
