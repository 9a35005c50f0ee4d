import { z } from 'zod';
import { tradingPair } from '../config/config-fields.ts';
import { PositiveStoredDecimal } from '../positions/position-decimal.ts';

/**
 * One market order of a rebalance, against the cash asset: `${asset}/${cashAsset}`.
 * `notionalUsd` is `quantity × price` at planning time, in the cash asset (an estimate: the
 * order fills at the market).
 */
export const RebalanceTrade = z
  .object({
    symbol: tradingPair(),
    side: z.enum(['buy', 'sell']),
    /** Base-asset units, > 0. */
    quantity: PositiveStoredDecimal,
    notionalUsd: PositiveStoredDecimal,
  })
  .strict();
export type RebalanceTrade = z.infer<typeof RebalanceTrade>;
