import type { Redis } from 'ioredis';
import type { Keys } from '../keys.ts';
import type { JobOutcome } from '../workers/job-outcome.ts';

/** Upper bounds (ms) of the job-duration buckets: from a quick TA run to a slow model panel. */
export const JOB_DURATION_BOUNDS_MS = [
  50, 100, 250, 500, 1_000, 2_500, 5_000, 10_000, 30_000, 60_000, 120_000, 300_000,
] as const;

export type JobOutcomeName = 'completed' | 'failed';

/** One queue's durations for one outcome, as a Prometheus histogram wants them. */
export interface JobDurationSeries {
  queue: string;
  outcome: JobOutcomeName;
  /** Cumulative counts per upper bound in seconds, `+Inf` last. */
  buckets: { le: number | '+Inf'; count: number }[];
  count: number;
  sumSeconds: number;
}

/**
 * Adds one finished job to its queue's duration counters in Redis (`keys.jobDurations`): the
 * bucket it falls in, the count and the sum, in one round trip. Workers are many processes and
 * the dashboard is one, so the histogram lives where every replica can add to it. Never
 * rejects: a lost sample is better than a failed job, and an outage is logged elsewhere.
 */
export async function recordJobDuration(
  redis: Redis,
  keys: Keys,
  outcome: Pick<JobOutcome, 'queue' | 'ok' | 'durationMs'>,
): Promise<void> {
  const name: JobOutcomeName = outcome.ok ? 'completed' : 'failed';
  const bound = JOB_DURATION_BOUNDS_MS.find((le) => outcome.durationMs <= le) ?? '+Inf';
  try {
    await redis
      .multi()
      .hincrby(keys.jobDurations(outcome.queue), `${name}|${bound}`, 1)
      .hincrby(keys.jobDurations(outcome.queue), `${name}|count`, 1)
      .hincrby(keys.jobDurations(outcome.queue), `${name}|sum_ms`, Math.max(0, Math.round(outcome.durationMs)))
      .exec();
  } catch {
    // Dropped on purpose (see above).
  }
}

/** The duration histograms of `queues`, cumulative as Prometheus expects; outcomes never recorded are left out. */
export async function readJobDurations(
  redis: Redis,
  keys: Keys,
  queues: readonly string[],
): Promise<JobDurationSeries[]> {
  const hashes = await Promise.all(queues.map((queue) => redis.hgetall(keys.jobDurations(queue))));
  const series: JobDurationSeries[] = [];
  queues.forEach((queue, i) => {
    const hash = hashes[i] ?? {};
    for (const outcome of ['completed', 'failed'] as const) {
      const count = Number(hash[`${outcome}|count`] ?? 0);
      if (count === 0) continue;
      let running = 0;
      const buckets: JobDurationSeries['buckets'] = JOB_DURATION_BOUNDS_MS.map((le) => {
        running += Number(hash[`${outcome}|${le}`] ?? 0);
        return { le: le / 1_000, count: running };
      });
      buckets.push({ le: '+Inf', count: running + Number(hash[`${outcome}|+Inf`] ?? 0) });
      series.push({ queue, outcome, buckets, count, sumSeconds: Number(hash[`${outcome}|sum_ms`] ?? 0) / 1_000 });
    }
  });
  return series;
}
