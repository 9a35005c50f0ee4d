import type { Queue } from 'bullmq';

/** The BullMQ job states `/metrics` reports per queue. */
export const JOB_STATES = [
  'waiting',
  'active',
  'delayed',
  'prioritized',
  'waiting-children',
  'failed',
  'completed',
  'paused',
] as const;
export type JobState = (typeof JOB_STATES)[number];

export interface QueueCounts {
  queue: string;
  jobs: Record<JobState, number>;
  /** The queue is paused (the kill switch, or an operator). */
  paused: boolean;
}

/** Jobs by state and the paused flag of each queue, as BullMQ keeps them in Redis. */
export async function readQueueCounts(queues: readonly Queue[]): Promise<QueueCounts[]> {
  return Promise.all(
    queues.map(async (queue) => {
      const [counts, paused] = await Promise.all([queue.getJobCounts(...JOB_STATES), queue.isPaused()]);
      const jobs = Object.fromEntries(JOB_STATES.map((state) => [state, counts[state] ?? 0])) as Record<
        JobState,
        number
      >;
      return { queue: queue.name, jobs, paused };
    }),
  );
}
