import { Queue, UnrecoverableError, Worker, type ConnectionOptions, type Job } from 'bullmq';
import type { Redis } from 'ioredis';
import { z } from 'zod';
import type { Bus } from '../bus/bus.ts';
import type { Keys } from '../keys.ts';
import { enqueueExclusiveRun } from '../queues/enqueue-exclusive-run.ts';
import { scheduledTaskQueues, type ScheduledTask } from '../queues/queue-names.ts';
import { TICK_JOB } from '../queues/sync-schedules.ts';
import type { Logger } from '../shared/logger.ts';
import { describeError } from '../shared/triplegain-error.ts';
import { runWithTimeout } from './run-with-timeout.ts';

/** The job that does one task's work for one symbol. */
export const RUN_JOB = 'run';

export const TaskRunData = z
  .object({
    task: z.string().min(1),
    symbol: z.string().regex(/^[A-Z0-9]+\/[A-Z0-9]+$/),
    /** Identifies the tick that asked for this run (the scheduler's timestamp, ms). */
    tickId: z.string().min(1),
    correlationId: z.string().min(1),
  })
  .strict();
export type TaskRunData = z.infer<typeof TaskRunData>;

export interface ScheduledTaskWorkerDeps {
  connection: ConnectionOptions;
  /** Command connection for counters. */
  redis: Redis;
  keys: Keys;
  logger: Logger;
  bus?: Bus;
}

export interface ScheduledTaskSpec<Result> {
  task: ScheduledTask;
  symbols: readonly string[];
  /** A run longer than this fails (JOB_TIMEOUT). */
  timeoutMs: number;
  /** Runs handled at once by this process (different symbols; the same symbol never twice). */
  concurrency?: number;
  run(data: TaskRunData, signal: AbortSignal): Promise<Result>;
}

/**
 * The worker of one scheduled task. A `tick` (from the task's job scheduler) fans out one
 * `run` per symbol, each exclusive per (task, symbol) across the cluster; a run still going
 * when the next tick comes makes that symbol's next run skip, counted in
 * `<prefix>:metrics:schedule_skips` and raised on `system_events`.
 */
export function createScheduledTaskWorker<Result>(deps: ScheduledTaskWorkerDeps, spec: ScheduledTaskSpec<Result>): Worker {
  const queueName = scheduledTaskQueues[spec.task];
  // Runs go to the same queue as the ticks.
  const queue = new Queue(queueName, { connection: deps.connection, prefix: deps.keys.queuePrefix });

  const onTick = async (job: Job) => {
    const tickId = String(job.timestamp);
    let enqueued = 0;
    const skipped: string[] = [];
    for (const symbol of spec.symbols) {
      const result = await enqueueExclusiveRun(queue, {
        task: spec.task,
        symbol,
        tickId,
        jobName: RUN_JOB,
        data: { task: spec.task, symbol, tickId, correlationId: `${spec.task}.${tickId}` } satisfies TaskRunData,
      });
      if (result.skipped) skipped.push(symbol);
      else enqueued += 1;
    }
    for (const symbol of skipped) await recordSkip(symbol, tickId);
    return { enqueued, skipped };
  };

  const recordSkip = async (symbol: string, tickId: string) => {
    const total = await deps.redis.hincrby(deps.keys.scheduleSkips, `${spec.task}|${symbol}`, 1);
    deps.logger.warn({ task: spec.task, symbol, tickId, total }, 'scheduled run skipped: previous run still going');
    await deps.bus
      ?.publish(
        'system.alert_raised',
        {
          severity: 'warning',
          code: 'schedule.run_skipped',
          message: `${spec.task} for ${symbol} skipped a run: the previous one is still going`,
          details: { task: spec.task, tickId, totalSkips: total },
        },
        { symbol, source: `${spec.task}-scheduler` },
      )
      .catch((err: unknown) => deps.logger.warn({ err: describeError(err) }, 'could not publish skip alert'));
  };

  const worker = new Worker(
    queueName,
    async (job: Job) => {
      if (job.name === TICK_JOB) return onTick(job);
      if (job.name === RUN_JOB) {
        const data = TaskRunData.safeParse(job.data);
        if (!data.success) throw new UnrecoverableError(`invalid ${RUN_JOB} data: ${data.error.issues.map((i) => `${i.path.join('.')}: ${i.message}`).join('; ')}`);
        return runWithTimeout(spec.timeoutMs, (signal) => spec.run(data.data, signal));
      }
      throw new UnrecoverableError(`queue ${queueName} has no handler for job "${job.name}"`);
    },
    { connection: deps.connection, prefix: deps.keys.queuePrefix, concurrency: spec.concurrency ?? Math.max(1, spec.symbols.length) },
  );
  worker.on('closed', () => void queue.close());
  return worker;
}
