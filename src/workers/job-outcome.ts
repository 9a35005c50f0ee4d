/** How one job ended, for the degradation monitor and metrics. */
export interface JobOutcome {
  /** The queue's name (`QueueName` for the catalog's queues). */
  queue: string;
  jobName: string;
  jobId: string;
  ok: boolean;
  /** Set when `ok` is false. */
  error?: unknown;
  durationMs: number;
}
