import type { Job } from 'bullmq';
import type { z } from 'zod';
import type { AppConfig } from '../config/app-config.ts';
import type { Logger } from '../shared/logger.ts';
import type { QueueName } from './queue-names.ts';

/** One job name of a queue: what it carries in and what it hands back, both validated. */
export interface JobDefinition<Data extends z.ZodType = z.ZodType, Result extends z.ZodType = z.ZodType> {
  description: string;
  data: Data;
  result: Result;
}

/**
 * A queue of the catalog: its job names and the policy every job of it gets. ARCHITECTURE §3.
 * The handler map of a worker is typed from `jobs`, so a missing handler does not compile.
 */
export interface QueueDefinition<
  Name extends string = QueueName,
  Jobs extends Record<string, JobDefinition> = Record<string, JobDefinition>,
> {
  name: Name;
  description: string;
  jobs: Jobs;
  /** Tries of one job, the first included (1: no retry). */
  attempts: number;
  /** First retry delay; doubles with each further retry. */
  backoffMs: number;
  /** Finished jobs BullMQ keeps (for Bull Board, and for callers that read a job's result), newest first. */
  keep: { completed: number; failed: number };
  /**
   * Jobs of this queue one worker process runs at once. The runs are mostly IO (Postgres,
   * Redis, HTTP), so several overlap well on one event loop.
   */
  concurrency: number;
  /** A job running longer than this fails with `JOB_TIMEOUT` (scheduled tasks: `schedules.<task>.timeoutMs`). */
  timeoutMs(config: AppConfig): number;
}

export function defineQueue<const Name extends string, const Jobs extends Record<string, JobDefinition>>(
  definition: QueueDefinition<Name, Jobs>,
): QueueDefinition<Name, Jobs> {
  return definition;
}

// eslint-disable-next-line @typescript-eslint/no-explicit-any -- any queue of the catalog
export type AnyQueueDefinition = QueueDefinition<string, any>;
export type JobNameOf<Q extends AnyQueueDefinition> = keyof Q['jobs'] & string;
/** A job's data as the handler sees it (parsed, defaults applied). */
export type JobDataOf<Q extends AnyQueueDefinition, J extends JobNameOf<Q>> = z.output<Q['jobs'][J]['data']>;
/** A job's result as the handler returns it. */
export type JobResultOf<Q extends AnyQueueDefinition, J extends JobNameOf<Q>> = z.input<Q['jobs'][J]['result']>;

/** What a handler gets beside its data. */
export interface JobContext {
  job: Job;
  /** Fires at the job's timeout and when a shutdown deadline releases the job. */
  signal: AbortSignal;
  /** The worker's lock token (for `moveToDelayed` and friends). */
  token: string | undefined;
  logger: Logger;
}

/** One handler per job name of the queue. */
export type JobHandlers<Q extends AnyQueueDefinition> = {
  [J in JobNameOf<Q>]: (data: JobDataOf<Q, J>, ctx: JobContext) => Promise<JobResultOf<Q, J>>;
};

/** BullMQ options every job of the queue is added with. */
export function jobOptionsOf(definition: AnyQueueDefinition): {
  attempts: number;
  backoff?: { type: 'exponential'; delay: number };
  removeOnComplete: number;
  removeOnFail: number;
} {
  return {
    attempts: definition.attempts,
    ...(definition.attempts > 1 ? { backoff: { type: 'exponential', delay: definition.backoffMs } } : {}),
    removeOnComplete: definition.keep.completed,
    removeOnFail: definition.keep.failed,
  };
}
