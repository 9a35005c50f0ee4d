import type { Queue } from 'bullmq';

/** How a job stood when the wait for it ended. */
export type AwaitedJob =
  | { state: 'completed'; returnvalue: unknown }
  | { state: 'failed'; failedReason: string }
  | { state: 'waiting'; jobState: string };

/** Between two looks at a job: short, as an operator waits at a terminal. */
const POLL_MS = 100;

/**
 * Waits until the job `jobId` of `queue` has completed or failed for good, or until the wall
 * clock reaches `deadlineMs` (then its state at that moment: `waiting`, `active`, `delayed`,
 * `prioritized`, or `unknown` when the queue does not hold it). A job that failed an attempt
 * and will be tried again is still waited for.
 */
export async function awaitJob(queue: Queue, jobId: string, deadlineMs: number): Promise<AwaitedJob> {
  for (;;) {
    // State first: a job read before it finished would carry no result.
    const jobState = await queue.getJobState(jobId);
    if (jobState === 'completed' || jobState === 'failed') {
      const job = await queue.getJob(jobId);
      if (job && jobState === 'completed') return { state: 'completed', returnvalue: job.returnvalue as unknown };
      if (job) return { state: 'failed', failedReason: job.failedReason || 'no reason recorded' };
    }
    const leftMs = deadlineMs - Date.now();
    if (leftMs <= 0) return { state: 'waiting', jobState };
    await new Promise((resolve) => setTimeout(resolve, Math.min(POLL_MS, leftMs)));
  }
}
