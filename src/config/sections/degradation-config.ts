import { z } from 'zod';
import { DegradationLevel } from '../../model/degradation-level.ts';

/**
 * The `degradation` section. Levels go NORMAL → REDUCED → LIMITED → EMERGENCY one step per
 * run of consecutive failures of one source (a task or a model), and back one step only after
 * every failing source has had its own longer run of successes (hysteresis), so a flapping
 * dependency does not flap the system and one source's successes never cancel another's
 * failures.
 */
export const DegradationConfig = z
  .object({
    /** Consecutive failures of one source that raise the level by one. */
    failuresToRaise: z.number().int().min(1).max(100).default(3),
    /**
     * Consecutive successes of a failing source after which it has recovered; once no source
     * is failing, also the run of successes (of any source) that lowers the level by one.
     */
    successesToLower: z.number().int().min(1).max(1_000).default(5),
    /**
     * A failing source that reports nothing for this long (ms) is forgotten and no longer holds
     * the level up: a model taken off the panel, a task switched off. Longer than the slowest
     * reporter's period (the hourly decision run reports the models), or a failing source that
     * reports rarely would be forgotten between its reports. Default 3 hours.
     */
    forgetSourceAfterMs: z.number().int().min(60_000).max(604_800_000).default(10_800_000),
    /** Level the system goes to at least when `llm.dailyBudgetUsd` is spent. */
    budgetSpentLevel: DegradationLevel.exclude(['NORMAL']).default('LIMITED'),
  })
  .strict();
export type DegradationConfig = z.infer<typeof DegradationConfig>;
