import type { Balances } from '../exchange/exchange-port.ts';
import type { Position } from '../positions/position.ts';
import { Dec, toStoredDecimal } from '../positions/position-decimal.ts';
import { PositionSnapshot, takeSnapshot } from '../positions/snapshot.ts';
import { TriplegainError } from '../shared/triplegain-error.ts';

export interface AccountAtMarks {
  /** The exchange's balances (totals), the cash asset's included. */
  balances: Balances;
  /** Price per unit in the cash asset for every non-cash asset held (decimal strings). */
  prices: Readonly<Record<string, string>>;
  positions: readonly Position[];
  /** Mark per open position's symbol. */
  positionMarks: Readonly<Record<string, string>>;
  cashAsset: string;
  atMs: number;
}

/**
 * The account's equity, exposure and P&L. Pure.
 *
 * Equity is what the risk engine reads (`exchangePortfolio`): every balance at its price, a
 * negative one (a margin short) counting negative, so holdings no position tracks (a deposit,
 * a hodl bag) are in it. Exposure and P&L are those of the open positions at their marks
 * (`takeSnapshot`).
 *
 * @throws TriplegainError `DATA_INVALID` when a held asset or an open position has no price.
 */
export function valueAccount(account: AccountAtMarks): PositionSnapshot {
  const snapshot = takeSnapshot(
    account.positions,
    account.positionMarks,
    account.balances[account.cashAsset] ?? '0',
    account.atMs,
  );
  return PositionSnapshot.parse({
    ...snapshot,
    equityUsd: balancesEquity(account.balances, account.prices, account.cashAsset),
  });
}

/**
 * Every balance at its price in the cash asset, summed (a negative balance counts negative).
 * Pure.
 *
 * @throws TriplegainError `DATA_INVALID` when a held asset has no price.
 */
export function balancesEquity(
  balances: Balances,
  prices: Readonly<Record<string, string>>,
  cashAsset: string,
): string {
  let equity = new Dec(0);
  for (const [asset, amount] of Object.entries(balances)) {
    if (new Dec(amount).isZero()) continue;
    if (asset === cashAsset) {
      equity = equity.plus(amount);
      continue;
    }
    const price = Object.hasOwn(prices, asset) ? prices[asset] : undefined;
    if (price === undefined)
      throw new TriplegainError('DATA_INVALID', `no price for ${asset}: cannot value it`, { asset });
    equity = equity.plus(new Dec(amount).times(price));
  }
  return toStoredDecimal(equity);
}
