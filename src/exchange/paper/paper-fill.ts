import { z } from 'zod';
import { Side } from '../../model/side.ts';
import { tradingPair } from '../../config/config-fields.ts';
import { NonNegativeDecimalString, PositiveDecimalString } from '../../model/decimal-string.ts';

/** One fill of the paper exchange, as `onPrice` returns it for the caller to record. */
export const PaperFill = z
  .object({
    /** Kraken-style trade id, e.g. `TCCCTY-WE4YG-KCPYZO`. */
    fillId: z.string().min(1),
    exchangeOrderId: z.string().min(1),
    clientOrderId: z.string().min(1),
    symbol: tradingPair(),
    side: Side,
    /** Base units filled. */
    quantity: PositiveDecimalString,
    /** Quote units per base unit, slippage included. */
    price: PositiveDecimalString,
    /** Fee of this fill, in the quote (cash) asset. */
    feeUsd: NonNegativeDecimalString,
    /** When the paper exchange filled it (its clock). */
    atMs: z.number().int().nonnegative(),
  })
  .strict();
export type PaperFill = z.infer<typeof PaperFill>;
