import { z } from 'zod';
import { Side } from '../model/side.ts';
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
    side: Side,
    /** Base-asset units, > 0. */
    quantity: PositiveStoredDecimal,
    notionalUsd: PositiveStoredDecimal,
  })
  .strict();
export type RebalanceTrade = z.infer<typeof RebalanceTrade>;
