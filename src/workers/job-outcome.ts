import type { QueueName } from '../queues/queue-names.ts';

/** How one job ended, for the degradation monitor and metrics. */
export interface JobOutcome {
  queue: QueueName;
  jobName: string;
  jobId: string;
  ok: boolean;
  /** Set when `ok` is false. */
  error?: unknown;
  durationMs: number;
}
