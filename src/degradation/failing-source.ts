import { z } from 'zod';

/**
 * The runs of one source (`task:ta`, `model:openai/gpt-x`) that has failed and not yet
 * recovered. Kept in the shared degradation state, keyed by source, so every replica counts
 * the same runs; a source is absent while it is healthy.
 */
export const FailingSource = z
  .object({
    /** Its consecutive failures; restarts at 0 when they raise the level, and at its own success. */
    failures: z.number().int().nonnegative(),
    /** Its consecutive successes since its last failure; at `successesToLower` it has recovered and is dropped. */
    successes: z.number().int().nonnegative(),
    /** When it last reported (clock ms); silent for `forgetSourceAfterMs`, it is dropped. */
    lastReportMs: z.number().int().nonnegative(),
  })
  .strict();
export type FailingSource = z.infer<typeof FailingSource>;
