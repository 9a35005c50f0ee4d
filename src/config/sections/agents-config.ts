import { z } from 'zod';
import { ANALYSIS_MIN_CANDLES } from '../../agents/periods/analysis-periods.ts';
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
        /**
         * Candles needed before TA and regime emit anything: at least `ANALYSIS_MIN_CANDLES`
         * (EMA(200) plus its warm-up), at most `marketData.historyCandles`.
         */
        minCandles: z.number().int().min(ANALYSIS_MIN_CANDLES).max(720).default(250),
      })
      .strict()
      .prefault({}),
    regime: z
      .object({
        /** ADX(14) at or above which the market counts as trending (with aligned EMAs). */
        adxTrendThreshold: z.number().min(5).max(60).default(25),
        // The percentages below are per bar of `marketData.timeframe`; the defaults suit 1h
        // bars. Bar ranges grow roughly with √(bar length): ×2 for 4h, ×5 for 1d.
        /** ATR(14) as % of the close at or above which the market is volatile. */
        volatilityHighPct: pct(0.1, 50).default(2.5),
        /** ATR(14) as % of the close at or below which the market may be quiet. */
        volatilityLowPct: pct(0.01, 50).default(0.5),
        /** Bollinger width (20, 2σ) as % of the middle band at or above which a trendless market is volatile. */
        bandWidthHighPct: pct(0.1, 100).default(10),
        /** Bollinger width as % of the middle band at or below which the market may be quiet. */
        bandWidthLowPct: pct(0.01, 100).default(1.5),
      })
      .strict()
      .superRefine((r, ctx) => {
        if (r.volatilityLowPct >= r.volatilityHighPct) {
          ctx.addIssue({
            code: 'custom',
            path: ['volatilityLowPct'],
            message: `${r.volatilityLowPct} must be below volatilityHighPct (${r.volatilityHighPct})`,
          });
        }
        if (r.bandWidthLowPct >= r.bandWidthHighPct) {
          ctx.addIssue({
            code: 'custom',
            path: ['bandWidthLowPct'],
            message: `${r.bandWidthLowPct} must be below bandWidthHighPct (${r.bandWidthHighPct})`,
          });
        }
      })
      .prefault({}),
    sentiment: z
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
      .prefault({}),
    decision: z
      .object({
        /** The panel: every model votes in parallel; a failing or late model abstains. */
        panel: z
          .array(ModelRefConfig)
          .min(1)
          .max(10)
          .default([{ provider: 'rules', model: 'rules', weight: 1 }]),
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
