import { z } from 'zod';
import { TradingPair } from './trading-pair.ts';
import { DecimalString, NonNegativeDecimalString } from './decimal-string.ts';
import { compareDecimalStrings } from './compare-decimal-strings.ts';
import { Timeframe } from './timeframe.ts';

/** The bar itself, without the pair: also the payload of `market.candle_closed`. */
export const CandleBar = z
  .object({
    timeframe: Timeframe,
    openTimeMs: z.number().int().nonnegative(),
    open: DecimalString,
    high: DecimalString,
    low: DecimalString,
    close: DecimalString,
    /** Traded volume in units of the base asset. */
    volume: NonNegativeDecimalString,
    /** Number of trades in the bar. */
    trades: z.number().int().nonnegative(),
    /** A bar without trades, filled at the previous close with zero volume (as Kraken's REST API does). */
    gapFilled: z.boolean(),
  })
  .strict();

/** Adds the bar-consistency check (low ≤ open, close ≤ high) to a bar schema. */
export function withConsistentBar<S extends z.ZodType<z.infer<typeof CandleBar>>>(schema: S): S {
  return schema.superRefine((c, ctx) => {
    const problem = describeBarInconsistency(c);
    if (problem) ctx.addIssue({ code: 'custom', message: problem, path: ['low'] });
  }) as S;
}

/**
 * One OHLCV bar of one pair. Prices and volume are decimal strings exactly as the exchange
 * (or the recording) wrote them; `openTimeMs` is the start of the bar, which covers
 * `[openTimeMs, openTimeMs + timeframe)`.
 */
export const Candle = withConsistentBar(
  CandleBar.extend({
    /** Pair as BASE/QUOTE, e.g. `BTC/USD`. */
    symbol: TradingPair,
  }),
);
export type Candle = z.infer<typeof Candle>;

const PLAIN_DECIMAL = /^-?\d+(\.\d+)?$/;

/**
 * What is wrong with a bar's prices, or nothing: low above high, or open or close outside
 * the bar's range. Shared by the schema and the CSV parser.
 */
export function describeBarInconsistency(bar: {
  open: string;
  high: string;
  low: string;
  close: string;
}): string | undefined {
  // Only well-formed decimals are compared; the field regexes report the others.
  if (
    !PLAIN_DECIMAL.test(bar.open) ||
    !PLAIN_DECIMAL.test(bar.high) ||
    !PLAIN_DECIMAL.test(bar.low) ||
    !PLAIN_DECIMAL.test(bar.close)
  ) {
    return undefined;
  }
  if (compareDecimalStrings(bar.low, bar.high) > 0) return `low ${bar.low} is above high ${bar.high}`;
  if (outside(bar.open, bar.low, bar.high)) return `open ${bar.open} is outside low ${bar.low} … high ${bar.high}`;
  if (outside(bar.close, bar.low, bar.high)) return `close ${bar.close} is outside low ${bar.low} … high ${bar.high}`;
  return undefined;
}

function outside(value: string, low: string, high: string): boolean {
  return compareDecimalStrings(value, low) < 0 || compareDecimalStrings(value, high) > 0;
}
