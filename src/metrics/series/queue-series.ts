import type { Registry } from 'prom-client';
import type { MetricsScrape } from '../metrics-sources.ts';
import { JOB_STATES } from '../sources/queue-counts.ts';
import { StoredHistogram } from '../stored-histogram.ts';
import { gaugeOf, type Sample } from './series-of.ts';

/** Jobs by queue and state, paused queues, and job durations as the workers recorded them. */
export function registerQueueSeries(registry: Registry, scrape: MetricsScrape): void {
  const queues = () => scrape.get('queues');
  gaugeOf(
    registry,
    { name: 'triplegain_queue_jobs', help: 'Jobs in a BullMQ queue by state.', labelNames: ['queue', 'state'] },
    queues,
    (rows) => rows.flatMap((r) => JOB_STATES.map((state): Sample => [{ queue: r.queue, state }, r.jobs[state]])),
  );
  gaugeOf(
    registry,
    {
      name: 'triplegain_queue_paused',
      help: '1 while the queue is paused (kill switch or operator).',
      labelNames: ['queue'],
    },
    queues,
    (rows) => rows.map((r): Sample => [{ queue: r.queue }, r.paused ? 1 : 0]),
  );
  new StoredHistogram<'queue' | 'outcome'>(
    {
      name: 'triplegain_job_duration_seconds',
      help: 'Wall time of job runs (scheduler ticks excluded) by queue and outcome: completed, or failed (each failed attempt, retried or not), as every worker recorded it.',
      labelNames: ['queue', 'outcome'],
      registers: [registry],
    },
    async () =>
      ((await scrape.get('job_durations')) ?? []).map((s) => ({
        labels: { queue: s.queue, outcome: s.outcome },
        buckets: s.buckets,
        count: s.count,
        sum: s.sumSeconds,
      })),
  );
}
