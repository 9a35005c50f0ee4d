import { z } from 'zod';
import type { MessageDefinition } from '../../../bus/define-message.ts';
import { MarketRegime } from '../../../model/market-regime.ts';

/** The measurements a regime was read from. */
export const RegimeMetrics = z
  .object({
    /** ADX(14), 0–100. */
    adx: z.number().min(0).max(100),
    /** ATR(14) as % of the close. */
    atrPct: z.number().nonnegative(),
    /** Bollinger band width (upper − lower) as % of the middle band. */
    bandWidthPct: z.number().nonnegative(),
    /** EMA alignment, −1 (fully bearish) to 1 (fully bullish). */
    emaAlignment: z.number().min(-1).max(1),
    /** Change of EMA(50) over the last 10 bars, in %. */
    ema50SlopePct: z.number(),
  })
  .strict();
export type RegimeMetrics = z.infer<typeof RegimeMetrics>;

/** Output of the regime agent for one symbol. */
export const RegimeDetected = {
  type: 'regime.detected',
  topic: 'regime_updates',
  description: 'Market regime of one symbol with a confidence',
  payload: z
    .object({
      timeframe: z.string().min(1),
      candleOpenTimeMs: z.number().int().nonnegative(),
      regime: MarketRegime,
      confidence: z.number().min(0).max(1),
      /** Always set by the regime agent; optional so that a bare regime (replays, tools) is valid. */
      metrics: RegimeMetrics.optional(),
    })
    .strict(),
} as const satisfies MessageDefinition;
