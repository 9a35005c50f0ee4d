import { z } from 'zod';
import { TradingPair } from '../model/trading-pair.ts';
import { DecimalString, NonNegativeDecimalString } from '../model/decimal-string.ts';

/** Best prices and 24-hour statistics of one pair, as decimal strings from the exchange. */
export const Ticker = z
  .object({
    symbol: TradingPair,
    /** When the ticker was received, by the system clock. */
    receivedAtMs: z.number().int().nonnegative(),
    bid: DecimalString,
    ask: DecimalString,
    /** Price of the last trade. */
    last: DecimalString,
    /** Today's opening price (UTC day). */
    open: DecimalString,
    high24h: DecimalString,
    low24h: DecimalString,
    /** Base-asset volume of the last 24 hours. */
    volume24h: NonNegativeDecimalString,
    /** Volume-weighted average price of the last 24 hours. */
    vwap24h: DecimalString,
    trades24h: z.number().int().nonnegative(),
  })
  .strict();
export type Ticker = z.infer<typeof Ticker>;
