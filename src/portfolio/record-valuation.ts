import type { AppConfig } from '../config/app-config.ts';
import type { Db } from '../db/open-database.ts';
import { portfolioSnapshots } from '../db/schema/portfolio-snapshots.ts';
import type { BalanceReadOptions, Balances, ExchangePort } from '../exchange/exchange-port.ts';
import { pairOf } from '../model/trading-pair.ts';
import { Dec } from '../positions/position-decimal.ts';
import { loadOpenPositions } from '../positions/position-store.ts';
import type { PositionSnapshot } from '../positions/snapshot.ts';
import { marksOf } from './latest-prices.ts';
import { valueAccount } from './value-account.ts';

export interface RecordValuationDeps {
  config: Pick<AppConfig, 'symbols' | 'marketData' | 'portfolio'>;
  db: Db;
  /** Balances come from here; its name is the account. */
  exchange: Pick<ExchangePort, 'name' | 'balances'>;
}

/** The start of the `portfolio_snapshots` slot holding `atMs`. */
export function snapshotSlotOf(atMs: number, intervalMs: number): number {
  return Math.floor(atMs / intervalMs) * intervalMs;
}

/**
 * Values the account now (`valueAccount`: the exchange's balances at the latest closes, the
 * open positions at their marks) and stores it as the snapshot of the slot of
 * `portfolio.snapshotIntervalMs` holding `atMs`: one row per account and slot, the latest
 * valuation replacing an earlier one of the same slot. The positions service (every closed
 * bar) and the portfolio tick both record through here, so both store the same measure.
 *
 * `read` says how the balance read may share a rate-limited API counter (`BalanceReadOptions`):
 * the positions service's per-bar valuation is `background`, so it never takes room a stop or
 * a trade needs, and may use balances read for a risk decision a few seconds before; the
 * portfolio tick, which plans a rebalance from them, reads its own.
 *
 * @returns the valuation, stamped `atMs`, and the balances it was taken from.
 * @throws TriplegainError `NOT_FOUND` when a held asset or an open position has no stored close.
 */
export async function recordValuation(
  deps: RecordValuationDeps,
  atMs: number,
  signal?: AbortSignal,
  read: BalanceReadOptions = {},
): Promise<{ valuation: PositionSnapshot; balances: Balances }> {
  const { config } = deps;
  const { cashAsset } = config.symbols;
  const timeframe = config.marketData.timeframe;
  const account = deps.exchange.name;
  const [balances, positions] = await Promise.all([
    deps.exchange.balances(signal, read),
    loadOpenPositions(deps.db, account),
  ]);
  const held = Object.keys(balances).filter(
    (asset) => asset !== cashAsset && !new Dec(balances[asset] ?? '0').isZero(),
  );
  // Held assets and open positions priced in one read.
  const heldPairs = held.map((asset) => pairOf(asset, cashAsset));
  const marks = await marksOf(deps.db, [...heldPairs, ...positions.map((p) => p.symbol)], timeframe);
  const prices = Object.fromEntries(held.map((asset, i) => [asset, marks.get(heldPairs[i]!)!]));
  const positionMarks = Object.fromEntries(positions.map((p) => [p.symbol, marks.get(p.symbol)!]));
  const valuation = valueAccount({ balances, prices, positions, positionMarks, cashAsset, atMs });

  const row = {
    equityUsd: valuation.equityUsd,
    cashUsd: valuation.cashUsd,
    exposureUsd: valuation.exposureUsd,
    unrealizedPnlUsd: valuation.unrealizedPnlUsd,
    realizedPnlUsd: valuation.realizedPnlUsd,
    feesUsd: valuation.feesUsd,
    positions: valuation.positions,
  };
  await deps.db
    .insert(portfolioSnapshots)
    .values({ account, at: new Date(snapshotSlotOf(atMs, config.portfolio.snapshotIntervalMs)), ...row })
    .onConflictDoUpdate({ target: [portfolioSnapshots.account, portfolioSnapshots.at], set: row });
  return { valuation, balances };
}
