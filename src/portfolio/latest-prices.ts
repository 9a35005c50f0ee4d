import type { Db } from '../db/open-database.ts';
import { latestCloses } from '../market/latest-closes.ts';
import type { Timeframe } from '../model/timeframe.ts';
import { pairOf } from '../model/trading-pair.ts';
import { TriplegainError } from '../shared/triplegain-error.ts';

/** The latest stored close of `symbol`, or null when none is stored. */
export async function latestClose(db: Db, symbol: string, timeframe: Timeframe): Promise<string | null> {
  return (await latestCloses(db, [symbol], timeframe)).get(symbol) ?? null;
}

/** The latest stored close of `symbol`. @throws TriplegainError `NOT_FOUND` when none is stored. */
export async function markOf(db: Db, symbol: string, timeframe: Timeframe): Promise<string> {
  return markIn(await latestCloses(db, [symbol], timeframe), symbol);
}

/**
 * The latest stored close of each of `symbols`, read in one statement (`latestCloses`).
 *
 * @throws TriplegainError `NOT_FOUND` for the first symbol without one.
 */
export async function marksOf(db: Db, symbols: Iterable<string>, timeframe: Timeframe): Promise<Map<string, string>> {
  const closes = await latestCloses(db, symbols, timeframe);
  for (const symbol of symbols) markIn(closes, symbol);
  return closes;
}

function markIn(closes: ReadonlyMap<string, string>, symbol: string): string {
  const close = closes.get(symbol);
  if (close === undefined)
    throw new TriplegainError('NOT_FOUND', `no price for ${symbol}: cannot value it`, { symbol });
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
  const assets = [...new Set(args.assets)].filter((asset) => asset !== args.cashAsset);
  const closes = await latestCloses(
    db,
    assets.map((asset) => pairOf(asset, args.cashAsset)),
    args.timeframe,
  );
  const prices: Record<string, string> = {};
  for (const asset of assets) {
    const close = closes.get(pairOf(asset, args.cashAsset));
    if (close !== undefined) prices[asset] = close;
    else if (!args.skipMissing) markIn(closes, pairOf(asset, args.cashAsset));
  }
  return prices;
}
