import { z } from 'zod';
import { TradingPair } from '../model/trading-pair.ts';
import { NonNegativeDecimalString, PositiveDecimalString } from '../model/decimal-string.ts';

/**
 * What an exchange accepts for one pair (Kraken's `AssetPairs`): the tick and decimals of a
 * price, the decimals of a volume, the smallest volume and cost of an order, and the leverage
 * it allows. Applied once, where an order leaves (`roundOrderToInstrument`), and checked by the
 * risk engine before approving and by the paper exchange before accepting.
 */
export const Instrument = z
  .object({
    /** Our name of the pair, e.g. `BTC/USD`. */
    symbol: TradingPair,
    /** Kraken's `AssetPairs` key, e.g. `XXBTZUSD` (used in Kraken's error texts). */
    krakenPair: z.string().min(1),
    /** Decimals a price may have (`pair_decimals`). */
    priceDecimals: z.number().int().min(0).max(18),
    /** Smallest price step (`tick_size`); a price is a whole number of ticks. */
    tickSize: PositiveDecimalString,
    /** Decimals a volume may have (`lot_decimals`). */
    lotDecimals: z.number().int().min(0).max(18),
    /** Smallest order volume, base units (`ordermin`). */
    orderMin: NonNegativeDecimalString,
    /** Smallest order cost, quote units (`costmin`). */
    costMin: NonNegativeDecimalString,
    /** Leverage a margin buy or sell may use (`leverage_buy`, `leverage_sell`); empty: spot only. */
    leverageBuy: z.array(z.number().int().min(2)).default([]),
    leverageSell: z.array(z.number().int().min(2)).default([]),
  })
  .strict();
export type Instrument = z.infer<typeof Instrument>;
