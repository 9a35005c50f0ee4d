import { z } from 'zod';
import { pct } from '../../../config/fields/number-fields.ts';

/** The `agents.regime` section: the thresholds the regime is read with. */
export const RegimeConfig = z
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
  .prefault({});
export type RegimeConfig = z.infer<typeof RegimeConfig>;
