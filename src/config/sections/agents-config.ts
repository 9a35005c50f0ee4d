import { z } from 'zod';
import { durationMs, pct, ratio } from '../config-fields.ts';

/** A model of the panel: a provider name from `llm.providers` (or the built-in `rules`) and a model id. */
export const ModelRefConfig = z
  .object({
    /** Key of `llm.providers`, or `rules` for the deterministic built-in model. */
    provider: z.string().min(1),
    /** Model id at that provider (`rules` for the built-in model). */
    model: z.string().min(1),
    /** Weight of this model's vote. */
    weight: z.number().min(0.01).max(10).default(1),
  })
  .strict();
export type ModelRefConfig = z.infer<typeof ModelRefConfig>;

/** The `agents` section: tuning of the analysis agents and the decision panel. */
export const AgentsConfig = z
  .object({
    ta: z
      .object({
        /** Candles needed before TA emits anything (long moving averages need history). */
        minCandles: z.number().int().min(20).max(720).default(200),
      })
      .strict()
      .prefault({}),
    regime: z
      .object({
        /** ADX above which the market counts as trending. */
        adxTrendThreshold: z.number().min(5).max(60).default(25),
        /** ATR as % of price above which volatility counts as high. */
        volatilityHighPct: pct(0.1, 50).default(4),
        /** ATR as % of price below which volatility counts as low. */
        volatilityLowPct: pct(0.01, 50).default(1),
      })
      .strict()
      .superRefine((r, ctx) => {
        if (r.volatilityLowPct >= r.volatilityHighPct) {
          ctx.addIssue({ code: 'custom', path: ['volatilityLowPct'], message: `${r.volatilityLowPct} must be below volatilityHighPct (${r.volatilityHighPct})` });
        }
      })
      .prefault({}),
    sentiment: z
      .object({
        /** Include sentiment as an optional input of the decision flow (needs `models`). */
        enabled: z.boolean().default(false),
        /** Models asked for sentiment, in order of preference. */
        models: z.array(ModelRefConfig).max(5).default([]),
      })
      .strict()
      .prefault({}),
    decision: z
      .object({
        /** The panel: every model votes in parallel; a failing or late model abstains. */
        panel: z.array(ModelRefConfig).min(1).max(10).default([{ provider: 'rules', model: 'rules', weight: 1 }]),
        /** A model that has not answered after this long abstains. */
        perModelTimeoutMs: durationMs(1_000, 300_000).default(30_000),
        /** Share of the voting weight that must agree on an action for a signal to be emitted. */
        minAgreement: ratio(0, 1).default(0.5),
      })
      .strict()
      .prefault({}),
  })
  .strict();
export type AgentsConfig = z.infer<typeof AgentsConfig>;
