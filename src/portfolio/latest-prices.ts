import type { Db } from '../db/open-database.ts';
import { loadRecentCandles } from '../market/candle-store.ts';
import type { Timeframe } from '../model/timeframe.ts';
import { TriplegainError } from '../shared/triplegain-error.ts';

/** The latest stored close of `symbol`, or null when none is stored. */
export async function latestClose(db: Db, symbol: string, timeframe: Timeframe): Promise<string | null> {
  const [last] = await loadRecentCandles(db, symbol, timeframe, 1);
  return last?.close ?? null;
}

/** The latest stored close of `symbol`. @throws TriplegainError `NOT_FOUND` when none is stored. */
export async function markOf(db: Db, symbol: string, timeframe: Timeframe): Promise<string> {
  const close = await latestClose(db, symbol, timeframe);
  if (close === null) throw new TriplegainError('NOT_FOUND', `no price for ${symbol}: cannot value it`, { symbol });
  return close;
}

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
