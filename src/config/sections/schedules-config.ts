import { z } from 'zod';
import { durationMs } from '../config-fields.ts';

/** A task's timetable, with its own defaults. */
function taskSchedule(defaults: { enabled: boolean; everyMs: number; timeoutMs: number }) {
  return z
    .object({
      /** Whether the scheduler creates this task's job scheduler at all. */
      enabled: z.boolean().default(defaults.enabled),
      /** Interval between runs, per symbol. An overrun skips the next run, never queues it. */
      everyMs: durationMs(1_000, 7 * 86_400_000).default(defaults.everyMs),
      /** A run that takes longer than this fails. */
      timeoutMs: durationMs(1_000, 3_600_000).default(defaults.timeoutMs),
    })
    .strict()
    .superRefine((s, ctx) => {
      if (s.timeoutMs > s.everyMs) {
        ctx.addIssue({
          code: 'custom',
          path: ['timeoutMs'],
          message: `${s.timeoutMs} is longer than everyMs (${s.everyMs}); a run must end before the next one is due`,
        });
      }
    })
    .prefault({});
}

/** The `schedules` section: one job scheduler per task (BullMQ `upsertJobScheduler`). */
export const SchedulesConfig = z
  .object({
    /** Fetch candles for every pair. */
    marketData: taskSchedule({ enabled: true, everyMs: 60_000, timeoutMs: 30_000 }),
    /** Technical analysis. */
    ta: taskSchedule({ enabled: true, everyMs: 60_000, timeoutMs: 30_000 }),
    /** Market regime detection. */
    regime: taskSchedule({ enabled: true, everyMs: 300_000, timeoutMs: 60_000 }),
    /** Sentiment analysis: needs a model with news access, so off by default. */
    sentiment: taskSchedule({ enabled: false, everyMs: 1_800_000, timeoutMs: 120_000 }),
    /** Trading decision flow (TA and regime first, then the model panel). */
    decision: taskSchedule({ enabled: true, everyMs: 3_600_000, timeoutMs: 300_000 }),
    /** Portfolio valuation and rebalance check. */
    portfolio: taskSchedule({ enabled: true, everyMs: 3_600_000, timeoutMs: 300_000 }),
    /**
     * Wall time a (task, symbol) run's lease and a job's BullMQ lock live without renewal. A
     * live run renews both every third of it; a SIGKILLed worker's pairs are free again within
     * it, and its jobs are back in the queue within twice it.
     */
    leaseTtlMs: durationMs(3_000, 60_000).default(15_000),
  })
  .strict();
export type SchedulesConfig = z.infer<typeof SchedulesConfig>;
