import type { Db } from '../db/open-database.ts';
import type { Timeframe } from '../market/timeframes.ts';
import { TriplegainError } from '../shared/triplegain-error.ts';
import { markOf } from './exchange-portfolio.ts';

export interface LatestPricesArgs {
  cashAsset: string;
  timeframe: Timeframe;
  assets: readonly string[];
  /** Leave out an asset without a stored close instead of failing. */
  skipMissing?: boolean;
}

/**
 * The latest stored close of `<asset>/<cash asset>` for each asset (the cash asset itself is
 * not priced).
 *
 * @throws TriplegainError `NOT_FOUND` for an asset without one, unless `skipMissing`.
 */
export async function latestPrices(db: Db, args: LatestPricesArgs): Promise<Record<string, string>> {
  const prices: Record<string, string> = {};
  for (const asset of new Set(args.assets)) {
    if (asset === args.cashAsset) continue;
    try {
      prices[asset] = await markOf(db, `${asset}/${args.cashAsset}`, args.timeframe);
    } catch (err) {
      if (!(args.skipMissing && err instanceof TriplegainError && err.code === 'NOT_FOUND')) throw err;
    }
  }
  return prices;
}
