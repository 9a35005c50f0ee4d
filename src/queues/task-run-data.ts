import { z } from 'zod';
import { tradingPair } from '../config/config-fields.ts';

/** A scheduler tick: the data `syncSchedules` gives every job scheduler. */
export const TickData = z.object({ task: z.string().min(1) }).strict();
export type TickData = z.infer<typeof TickData>;

/** What a tick did: runs added, and symbols skipped because their previous run was still going. */
export const TickResult = z
  .object({
    enqueued: z.number().int().nonnegative(),
    skipped: z.array(z.string()),
  })
  .strict();
export type TickResult = z.infer<typeof TickResult>;

/** A run that found a run of the same (task, symbol) still going (see `runExclusively`). */
export const SkippedRun = z.object({ status: z.literal('skipped'), reason: z.literal('busy') }).strict();
export type SkippedRun = z.infer<typeof SkippedRun>;

/** One run of a task for one symbol. */
export const TaskRunData = z
  .object({
    task: z.string().min(1),
    symbol: tradingPair(),
    /** Identifies the tick (or decision flow) that asked for this run. */
    tickId: z.string().min(1),
    correlationId: z.string().min(1),
    /**
     * `scheduled`: a timetable run, skipped when a run of the same (task, symbol) is going.
     * `flow`: an input of a decision flow, which waits for such a run to end instead.
     */
    mode: z.enum(['scheduled', 'flow']).default('scheduled'),
  })
  .strict();
export type TaskRunData = z.infer<typeof TaskRunData>;
