import type { JobsOptions, Queue } from 'bullmq';
import { jobOptionsOf, type AnyQueueDefinition } from './define-queue.ts';
import { symbolSlug } from '../market/symbol-slug.ts';
import type { TaskRunData } from './task-run-data.ts';

export interface ExclusiveRunResult {
  jobId: string;
  /** True when a run of the same task for the same symbol was still unfinished: nothing added. */
  skipped: boolean;
}

/**
 * Adds one run of `task` for `symbol` unless a run of the same (task, symbol) is still
 * waiting, active or awaiting a retry anywhere in the cluster. BullMQ's deduplication id
 * `<task>.<symbol>` holds until that job completes or fails, so an overrun makes the next
 * tick skip the symbol instead of queueing behind it. Other symbols are unaffected.
 */
export async function enqueueExclusiveRun<Data>(
  queue: Queue,
  args: {
    task: string;
    symbol: string;
    tickId: string;
    jobName: string;
    data: Data;
    options: Pick<JobsOptions, 'attempts' | 'backoff' | 'removeOnComplete' | 'removeOnFail'>;
  },
): Promise<ExclusiveRunResult> {
  const slug = symbolSlug(args.symbol);
  const jobId = `${args.task}.${slug}.${args.tickId}`;
  const job = await queue.add(args.jobName, args.data, {
    jobId,
    deduplication: { id: `${args.task}.${slug}` },
    ...args.options,
  });
  // A deduplicated add returns the job that is still in progress, not a new one.
  return { jobId: job.id ?? jobId, skipped: job.id !== jobId };
}

/**
 * One scheduled run of `task` for `symbol` on its queue (`definition`), as a tick adds it
 * (`TaskRunData`, mode `scheduled`, correlation `<task>.<tickId>`), exclusive per (task, symbol)
 * like `enqueueExclusiveRun`.
 */
export function enqueueScheduledRun(
  queue: Queue,
  definition: AnyQueueDefinition,
  task: string,
  symbol: string,
  tickId: string,
): Promise<ExclusiveRunResult> {
  const data: TaskRunData = { task, symbol, tickId, correlationId: `${task}.${tickId}`, mode: 'scheduled' };
  return enqueueExclusiveRun(queue, { task, symbol, tickId, jobName: 'run', data, options: jobOptionsOf(definition) });
}
