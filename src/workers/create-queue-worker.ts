import {
  DelayedError,
  UnrecoverableError,
  Worker,
  WaitingChildrenError,
  type ConnectionOptions,
  type Job,
} from 'bullmq';
import type { Redis } from 'ioredis';
import type { z } from 'zod';
import type { AppConfig } from '../config/app-config.ts';
import type { Keys } from '../keys.ts';
import { recordJobDuration } from '../metrics/job-durations.ts';
import type { AnyQueueDefinition, JobContext, JobHandlers } from '../queues/define-queue.ts';
import { isRedisUnavailable } from '../redis/is-redis-unavailable.ts';
import { OutageLogger } from '../redis/outage-logger.ts';
import type { Logger } from '../shared/logger.ts';
import { redactSecrets } from '../shared/redact-secrets.ts';
import { describeError, TriplegainError } from '../shared/triplegain-error.ts';
import type { JobOutcome } from './job-outcome.ts';
import { runWithTimeout } from '../shared/run-with-timeout.ts';

/** The reason a shutdown deadline gives the jobs it releases. */
export const SHUTDOWN_RELEASE = 'shutdown: released to another worker';

export interface QueueWorkerDeps {
  /** A BullMQ connection (`maxRetriesPerRequest: null`). */
  connection: ConnectionOptions;
  keys: Keys;
  /** Command connection each job's duration is added to in Redis (`recordJobDuration`), for `/metrics`; the task workers always pass theirs. */
  redis?: Redis;
  config: AppConfig;
  logger: Logger;
  /** Told how every job other than a scheduler tick ended. */
  onOutcome?: (outcome: JobOutcome) => void;
  /**
   * Where this worker reports losing and reaching Redis. Share one among a process's workers
   * (`redisOutageLogger`) so that an outage is one line per process, not one per queue; default
   * one of its own.
   */
  redisOutage?: OutageLogger;
}

/** The outage logger a process's queue workers share: `workers lost Redis` / `workers reach Redis again`. */
export function redisOutageLogger(logger: Logger): OutageLogger {
  return new OutageLogger({
    logger,
    messages: { started: 'workers lost Redis', ended: 'workers reach Redis again' },
    describe: (err) => redactSecrets(describeError(err)),
  });
}

export interface QueueWorkerOptions {
  /** Jobs of this queue this process runs at once. */
  concurrency: number;
  /** Timeout override (tests); default the catalog's. */
  timeoutMs?: number;
}

export interface QueueWorker {
  readonly worker: Worker;
  /**
   * Stops taking jobs and waits for the active ones; those still running after `deadlineMs`
   * are aborted and put back in the queue (not failed, no attempt spent) for another worker.
   */
  close(deadlineMs: number): Promise<void>;
}

/**
 * The worker of one catalog queue: parses each job's data with the job's schema (invalid data
 * fails at once, unretried), runs its handler under the queue's timeout, validates the result,
 * and turns non-retryable errors into `UnrecoverableError`. A job name without a handler
 * cannot be written (the handler map is typed from the catalog) and one arriving anyway fails.
 * Every job but a scheduler tick adds its duration to the queue's histogram in Redis
 * (`recordJobDuration`) when given `redis`.
 */
export function createQueueWorker<Q extends AnyQueueDefinition>(
  definition: Q,
  handlers: JobHandlers<Q>,
  deps: QueueWorkerDeps,
  options: QueueWorkerOptions,
): QueueWorker {
  const timeoutMs = options.timeoutMs ?? definition.timeoutMs(deps.config);
  const logger = deps.logger.child({ queue: definition.name });

  const process = async (job: Job, token?: string, bullSignal?: AbortSignal): Promise<unknown> => {
    const jobs = definition.jobs as Record<string, { data: z.ZodType; result: z.ZodType }>;
    const spec = Object.hasOwn(jobs, job.name) ? jobs[job.name] : undefined;
    const handler = (handlers as Record<string, (data: unknown, ctx: JobContext) => Promise<unknown>>)[job.name];
    if (!spec || !handler) throw new UnrecoverableError(`queue ${definition.name} has no job "${job.name}"`);
    const data = spec.data.safeParse(job.data);
    if (!data.success)
      throw new UnrecoverableError(`invalid ${definition.name}/${job.name} data: ${describeIssues(data.error)}`);

    const startedMs = performance.now();
    const report = (ok: boolean, error?: unknown) => {
      if (job.name === 'tick') return;
      const outcome: JobOutcome = {
        queue: definition.name,
        jobName: job.name,
        jobId: job.id ?? '',
        ok,
        error,
        durationMs: Math.round(performance.now() - startedMs),
      };
      // Into Redis, where `/metrics` reads every replica's durations; not awaited, never failing the job.
      if (deps.redis) void recordJobDuration(deps.redis, deps.keys, outcome);
      deps.onOutcome?.(outcome);
    };
    try {
      const raw = await runWithTimeout(
        timeoutMs,
        (signal) => handler(data.data, { job, signal, token, logger }),
        bullSignal,
      );
      const result = spec.result.safeParse(raw);
      if (!result.success)
        throw new UnrecoverableError(
          `${definition.name}/${job.name} returned an invalid result: ${describeIssues(result.error)}`,
        );
      report(true);
      return result.data;
    } catch (err) {
      if (err instanceof DelayedError || err instanceof WaitingChildrenError) throw err;
      if (bullSignal?.aborted && bullSignal.reason === SHUTDOWN_RELEASE) {
        // Back to the queue as it was: another worker (or this one after a restart) runs it.
        await job.moveToDelayed(Date.now(), token);
        logger.warn({ jobId: job.id, jobName: job.name }, 'job released at shutdown');
        throw new DelayedError();
      }
      report(false, err);
      if (err instanceof TriplegainError && !err.retryable) throw new UnrecoverableError(err.message);
      throw err;
    }
  };

  const worker = new Worker(definition.name, process, {
    connection: deps.connection,
    prefix: deps.keys.queuePrefix,
    concurrency: options.concurrency,
    autorun: true,
    // A job's lock is a lease like a run's: renewed by a live worker every half of it, so a
    // SIGKILLed worker's jobs are found stalled and put back within twice `leaseTtlMs`.
    lockDuration: deps.config.schedules.leaseTtlMs,
    stalledInterval: deps.config.schedules.leaseTtlMs,
  });
  worker.on('failed', (job, err) =>
    logger.warn(
      { jobId: job?.id, jobName: job?.name, attemptsMade: job?.attemptsMade, err: describeError(err) },
      'job failed',
    ),
  );
  // While Redis is down BullMQ reports every failed attempt: an outage is two lines, not thousands.
  const outage = deps.redisOutage ?? redisOutageLogger(logger);
  worker.on('error', (err) => {
    if (isRedisUnavailable(err)) outage.failed(err, { queue: definition.name });
    else logger.error({ err: describeError(err) }, 'worker error');
  });
  for (const event of ['active', 'completed', 'failed', 'drained'] as const) worker.on(event, () => outage.succeeded());

  return {
    worker,
    async close(deadlineMs) {
      const closing = worker.close();
      const timer = setTimeout(() => worker.cancelAllJobs(SHUTDOWN_RELEASE), deadlineMs);
      try {
        await closing;
      } finally {
        clearTimeout(timer);
      }
    },
  };
}

function describeIssues(error: z.ZodError): string {
  return error.issues.map((i) => `${i.path.join('.') || '(root)'}: ${i.message}`).join('; ');
}
