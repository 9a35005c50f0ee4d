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
  let equity = new Dec(0);
  for (const [asset, amount] of Object.entries(account.balances)) {
    if (new Dec(amount).isZero()) continue;
    if (asset === account.cashAsset) {
      equity = equity.plus(amount);
      continue;
    }
    const price = Object.hasOwn(account.prices, asset) ? account.prices[asset] : undefined;
    if (price === undefined) throw new TriplegainError('DATA_INVALID', `no price for ${asset}: cannot value it`, { asset });
    equity = equity.plus(new Dec(amount).times(price));
  }
  const snapshot = takeSnapshot(account.positions, account.positionMarks, account.balances[account.cashAsset] ?? '0', account.atMs);
  return PositionSnapshot.parse({ ...snapshot, equityUsd: toStoredDecimal(equity) });
}
