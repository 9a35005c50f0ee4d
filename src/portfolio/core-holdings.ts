import type { Balances } from '../exchange/exchange-port.ts';
import { Dec, toStoredDecimal } from '../positions/position-decimal.ts';
import { isSpot, type PositionValuation } from '../positions/valuation.ts';

export interface CoreHoldings {
  /**
   * What the rebalance may plan with and sell, per asset: the balance less the quantity the
   * strategy's open spot longs hold in it, never below zero. The cash asset is the balance.
   */
  holdings: Balances;
  /**
   * The cash the rebalance plans with: the cash balance plus what the strategy's open
   * positions add to equity (a spot long its notional, a margin position its unrealised P&L),
   * so opening or closing a trade is no drift, while its gains and losses are.
   */
  planningCash: string;
}

/**
 * The account as the rebalance sees it: its core allocation, apart from the strategy's book.
 * Pure.
 *
 * Positions are the strategy's trades (entries, exits, protective orders); rebalance fills
 * build none (see `applyPendingFills`). Holdings are netted so that the two never work
 * against each other: a rebalance never sells what an open trade holds (its stop loss rests
 * on exactly that quantity), and a trade's entry or exit does not make the rebalance buy or
 * sell the difference back. Equity, the targets' base, is the same either way.
 */
export function coreHoldings(
  balances: Balances,
  positions: readonly PositionValuation[],
  cashAsset: string,
): CoreHoldings {
  const holdings: Record<string, string> = { ...balances };
  let planningCash = new Dec(balances[cashAsset] ?? '0');
  for (const p of positions) {
    planningCash = planningCash.plus(p.equityContributionUsd);
    const asset = p.symbol.split('/')[0];
    if (!isSpot(p) || asset === undefined || asset === cashAsset) continue;
    holdings[asset] = toStoredDecimal(Dec.max(0, new Dec(holdings[asset] ?? '0').minus(p.quantity)));
  }
  return { holdings, planningCash: toStoredDecimal(planningCash) };
}
