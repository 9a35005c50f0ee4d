import { z } from 'zod';
import { durationMs, pct, ratio } from '../config-fields.ts';

const freshness = (defaultMs: number) => durationMs(1_000, 7 * 86_400_000).default(defaultMs);

/** The `coordinator` section: conflict detection, consensus and the LLM resolver. */
export const CoordinatorConfig = z
  .object({
    /** An agent output older than this is ignored (per output kind). */
    freshnessMs: z
      .object({
        /** TA signals (TA runs every minute by default). */
        ta: freshness(180_000),
        /** Regime updates (every 5 minutes by default). */
        regime: freshness(900_000),
        /** Sentiment updates (every 30 minutes when enabled). */
        sentiment: freshness(3_600_000),
        /** Trading signals waiting for coordination. */
        tradingSignal: freshness(300_000),
      })
      .strict()
      .prefault({}),
    conflict: z
      .object({
        /** Outputs for the same symbol whose confidences differ by at least this conflict. */
        confidenceGap: ratio(0, 1).default(0.2),
      })
      .strict()
      .prefault({}),
    consensus: z
      .object({
        /** Agreement share above which a signal's confidence is boosted… */
        boostAbove: ratio(0, 1).default(0.66),
        /** …by at most this multiplier. */
        boostMax: z.number().min(1).max(2).default(1.3),
        /** Agreement share below which a signal's confidence is cut… */
        cutBelow: ratio(0, 1).default(0.33),
        /** …by at most this multiplier. */
        cutMin: z.number().min(0).max(1).default(0.85),
      })
      .strict()
      .superRefine((c, ctx) => {
        if (c.cutBelow > c.boostAbove) {
          ctx.addIssue({
            code: 'custom',
            path: ['cutBelow'],
            message: `${c.cutBelow} must not exceed boostAbove (${c.boostAbove})`,
          });
        }
      })
      .prefault({}),
    resolver: z
      .object({
        /** Provider (key of `llm.providers`) asked to resolve a conflict. */
        primary: z.string().min(1).default('deepseek'),
        /** Provider asked when the primary fails; `null` for none. Any failure of both means `wait`. */
        fallback: z.string().min(1).nullable().default('anthropic'),
        /** Total time for a resolution, fallback included; past it the answer is `wait`. */
        budgetMs: durationMs(1_000, 120_000).default(10_000),
        /** A `modify` answer may move the entry price at most this far from the market, %. */
        maxEntryDistancePct: pct(0, 10).default(1),
      })
      .strict()
      .prefault({}),
  })
  .strict();
export type CoordinatorConfig = z.infer<typeof CoordinatorConfig>;
