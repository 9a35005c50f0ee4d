import { z } from 'zod';

/** A level the system can degrade to, from mild to severe. */
export const DegradationLevel = z.enum(['NORMAL', 'REDUCED', 'LIMITED', 'EMERGENCY']);
export type DegradationLevel = z.infer<typeof DegradationLevel>;

/**
 * The `degradation` section. Levels go NORMAL → REDUCED → LIMITED → EMERGENCY one step per
 * run of consecutive task or model failures, and back one step only after a longer run of
 * successes (hysteresis), so a flapping dependency does not flap the system.
 */
export const DegradationConfig = z
  .object({
    /** Consecutive failures that raise the level by one. */
    failuresToRaise: z.number().int().min(1).max(100).default(3),
    /** Consecutive successes that lower the level by one. */
    successesToLower: z.number().int().min(1).max(1_000).default(5),
    /** Level the system goes to at least when `llm.dailyBudgetUsd` is spent. */
    budgetSpentLevel: DegradationLevel.exclude(['NORMAL']).default('LIMITED'),
  })
  .strict();
export type DegradationConfig = z.infer<typeof DegradationConfig>;
