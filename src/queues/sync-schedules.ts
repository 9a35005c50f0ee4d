import { Queue, type ConnectionOptions } from 'bullmq';
import type { SchedulesConfig } from '../config/sections/schedules-config.ts';
import type { Keys } from '../keys.ts';
import { jobOptionsOf } from './define-queue.ts';
import { reconcileQueue } from './queue-catalog.ts';
import { scheduledTaskQueues, scheduledTasks, type ScheduledTask } from './queue-names.ts';

/** The name of a tick job: it fans out one run per symbol (see the task's worker). */
export const TICK_JOB = 'tick';

export interface ScheduleChange {
  task: ScheduledTask;
  queue: string;
  action: 'created' | 'updated' | 'unchanged' | 'removed' | 'absent';
  everyMs?: number;
}

/**
 * Makes the job schedulers in Redis match the `schedules` config: one scheduler per enabled
 * task (id = the task name), every other scheduler on those queues removed. Idempotent and
 * safe to run from several processes at once: schedulers are keyed by id, so concurrent or
 * repeated upserts leave exactly one per task, and a changed interval replaces the old one.
 */
export async function syncSchedules(options: {
  connection: ConnectionOptions;
  keys: Keys;
  schedules: SchedulesConfig;
}): Promise<ScheduleChange[]> {
  const changes: ScheduleChange[] = [];
  for (const task of scheduledTasks) {
    const queueName = scheduledTaskQueues[task];
    const queue = new Queue(queueName, { connection: options.connection, prefix: options.keys.queuePrefix });
    try {
      const wanted = options.schedules[task];
      const existing = await queue.getJobSchedulers();
      for (const stale of existing.filter((s) => s.key !== task)) {
        await queue.removeJobScheduler(stale.key);
      }
      const current = existing.find((s) => s.key === task);
      if (!wanted.enabled) {
        const removed = current ? await queue.removeJobScheduler(task) : false;
        changes.push({ task, queue: queueName, action: removed ? 'removed' : 'absent' });
        continue;
      }
      const everyMs = wanted.everyMs;
      if (current && Number(current.every) === everyMs) {
        changes.push({ task, queue: queueName, action: 'unchanged', everyMs });
        continue;
      }
      await queue.upsertJobScheduler(
        task,
        { every: everyMs },
        {
          name: TICK_JOB,
          data: { task },
          opts: { removeOnComplete: 1_000, removeOnFail: 5_000, attempts: 1 },
        },
      );
      changes.push({ task, queue: queueName, action: current ? 'updated' : 'created', everyMs });
    } finally {
      await queue.close();
    }
  }
  return changes;
}

/**
 * The job scheduler of periodic reconciliation with the exchange (queue `reconcile`, id
 * `reconcile`), every `everyMs` of wall time. Idempotent like `syncSchedules`.
 */
export async function syncReconcileSchedule(options: {
  connection: ConnectionOptions;
  keys: Keys;
  everyMs: number;
}): Promise<ScheduleChange['action']> {
  const queue = new Queue('reconcile', { connection: options.connection, prefix: options.keys.queuePrefix });
  try {
    const current = (await queue.getJobSchedulers()).find((s) => s.key === 'reconcile');
    if (current && Number(current.every) === options.everyMs) return 'unchanged';
    await queue.upsertJobScheduler(
      'reconcile',
      { every: options.everyMs },
      { name: 'run', data: { reason: 'schedule' }, opts: jobOptionsOf(reconcileQueue) },
    );
    return current ? 'updated' : 'created';
  } finally {
    await queue.close();
  }
}
