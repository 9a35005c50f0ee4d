import { z } from 'zod';
import { describeBarInconsistency } from './candle.ts';
import { NonNegativeDecimalString } from './decimal-string.ts';

const Price = NonNegativeDecimalString.refine((s) => /[1-9]/.test(s), 'must be positive');

/**
 * The bar the paper exchange matches open orders against: prices and volume (base units) as
 * decimal strings. Other keys (a `Candle`'s timeframe, trades, symbol) are accepted and dropped,
 * so a candle can be passed as it is.
 */
export const PriceBar = z
  .object({
    /** Start of the bar, ms since the epoch. */
    openTimeMs: z.number().int().nonnegative(),
    open: Price,
    high: Price,
    low: Price,
    close: Price,
    /** Traded base units; 0 for a gap-filled bar (no trades: nothing fills). */
    volume: NonNegativeDecimalString,
  })
  .superRefine((bar, ctx) => {
    const problem = describeBarInconsistency(bar);
    if (problem) ctx.addIssue({ code: 'custom', path: ['low'], message: problem });
  });
export type PriceBar = z.infer<typeof PriceBar>;
export type PriceBarInput = z.input<typeof PriceBar>;
