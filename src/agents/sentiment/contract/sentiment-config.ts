import { z } from 'zod';
import { ModelRefConfig } from '../../../config/fields/model-ref-config.ts';
import { durationMs } from '../../../config/fields/number-fields.ts';

/** The `agents.sentiment` section: which models score, and how much they read. */
export const SentimentConfig = z
  .object({
    /** Include sentiment as an optional input of the decision flow (needs `models`). */
    enabled: z.boolean().default(false),
    /** Models asked for sentiment, in order of preference. */
    models: z.array(ModelRefConfig).max(5).default([]),
    /** Headlines and posts published this long before the run are scored (6 h). */
    lookbackMs: durationMs(60_000, 7 * 86_400_000).default(21_600_000),
    /** At most this many of them, the newest first. */
    maxItems: z.number().int().min(1).max(200).default(50),
    /** Fewer than this many in the window: the agent abstains (`no_input`) rather than score too little. */
    minItems: z.number().int().min(1).max(200).default(1),
    /** Time for one scoring, every model and repair included; past it the agent abstains. */
    timeoutMs: durationMs(1_000, 300_000).default(60_000),
  })
  .strict()
  .superRefine((s, ctx) => {
    if (s.minItems > s.maxItems) {
      ctx.addIssue({
        code: 'custom',
        path: ['minItems'],
        message: `${s.minItems} must be at most maxItems (${s.maxItems})`,
      });
    }
  })
  .prefault({});
export type SentimentConfig = z.infer<typeof SentimentConfig>;
