import { z } from 'zod';
import { DegradationLevel } from '../../model/degradation-level.ts';
import { DegradationReason } from '../../model/degradation-reason.ts';
import { defineMessage } from '../define-message.ts';

/** The system's degradation level changed (also written to the `system_events` table). */
export const DegradationChanged = defineMessage({
  type: 'system.degradation_changed',
  topic: 'system_events',
  description: 'The degradation level moved one step (failures, successes) or to the budget level',
  payload: z
    .object({
      from: DegradationLevel,
      to: DegradationLevel,
      reason: DegradationReason,
      /** The runs when the level moved: `failuresToRaise` failures for a raise, and so on. */
      consecutiveFailures: z.number().int().nonnegative(),
      consecutiveSuccesses: z.number().int().nonnegative(),
      /** The task or model whose result completed the run (`llm:gpt-4o`, `task:ta`), or `llm-budget`. */
      triggeredBy: z.string().min(1),
      /** The error of the failure that raised the level; absent otherwise. */
      lastError: z.string().optional(),
      /** The level cannot go below this before `floorUntilMs`; null when no floor is in force. */
      floor: DegradationLevel.nullable(),
      /** End of the floor, ms since the epoch (next UTC midnight for the budget); null without a floor. */
      floorUntilMs: z.number().int().nonnegative().nullable(),
    })
    .strict(),
});
