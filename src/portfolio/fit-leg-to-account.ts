import { Decimal } from '../model/decimal.ts';
import type { Balances } from '../exchange/exchange-port.ts';
import { Dec, toStoredDecimal } from '../positions/position-decimal.ts';
import type { RebalanceTrade } from './rebalance-trade.ts';

export interface LegAccount {
  balances: Balances;
  /** Price per unit in the cash asset, now, for every asset the leg trades. */
  prices: Readonly<Record<string, string>>;
  /** Hodl bags in force (`loadHodlBags`). */
  hodlBags: Readonly<Record<string, string>>;
  cashAsset: string;
  /** Trades below this notional (cash asset) are left out. */
  minTradeUsd: string;
  /** Share of the spendable cash held back for fees, %. Default 0.5, as the planner's. */
  feeBufferPct?: number;
  /** Quantities are cut towards zero to this many places. Default 8, as the planner's. */
  quantityPlaces?: number;
}

/** A trade fitted to the account now, priced at the current price. */
export interface FittedTrade extends RebalanceTrade {
  /** The price the quantity was fitted at (the proposal's reference price). */
  price: string;
}

export interface FittedLeg {
  trades: FittedTrade[];
  skipped: { symbol: string; reason: string }[];
}

/**
 * Fits a leg planned earlier (a DCA batch may run hours after the plan) to the account as it
 * is when the leg runs. Pure.
 *
 * - A sell keeps its planned quantity, cut to what the account holds beyond the asset's hodl
 *   bag: a hodl bag is never sold, however balances moved since the plan (`hodl_bag`).
 * - A buy keeps its planned notional (the cash the plan meant to spend), its quantity taken at
 *   the current price. The buys together spend at most the cash held beyond the cash asset's
 *   hodl bag, less `feeBufferPct`; above that each is scaled down in proportion (`no_cash`
 *   when nothing is left), as the planner does.
 * - A trade left below `minTradeUsd` (or at quantity 0) is skipped (`below_minimum`); a trade
 *   without a price now is skipped (`no_price`).
 */
export function fitLegToAccount(
  side: 'buy' | 'sell',
  planned: readonly RebalanceTrade[],
  account: LegAccount,
): FittedLeg {
  const places = account.quantityPlaces ?? 8;
  const minTrade = new Dec(account.minTradeUsd);
  const fitted: FittedLeg = { trades: [], skipped: [] };
  const priced = planned.flatMap((trade) => {
    const asset = trade.symbol.split('/')[0] ?? trade.symbol;
    const price = Object.hasOwn(account.prices, asset) ? account.prices[asset] : undefined;
    if (price === undefined) {
      fitted.skipped.push({ symbol: trade.symbol, reason: 'no_price' });
      return [];
    }
    return [{ trade, asset, price: new Dec(price) }];
  });
  const keep = (trade: RebalanceTrade, price: Decimal, quantity: Decimal, reasonWhenNone: string) => {
    const q = quantity.toDecimalPlaces(places, Decimal.ROUND_DOWN);
    const notional = q.times(price);
    if (q.lte(0)) fitted.skipped.push({ symbol: trade.symbol, reason: reasonWhenNone });
    else if (notional.lt(minTrade) || notional.isZero())
      fitted.skipped.push({ symbol: trade.symbol, reason: 'below_minimum' });
    else
      fitted.trades.push({
        symbol: trade.symbol,
        side,
        quantity: toStoredDecimal(q),
        notionalUsd: toStoredDecimal(notional),
        price: toStoredDecimal(price),
      });
  };

  if (side === 'sell') {
    for (const { trade, asset, price } of priced) {
      const free = Dec.max(0, new Dec(account.balances[asset] ?? '0').minus(account.hodlBags[asset] ?? '0'));
      keep(trade, price, Dec.min(trade.quantity, free), 'hodl_bag');
    }
    return fitted;
  }

  const cash = new Dec(account.balances[account.cashAsset] ?? '0').minus(account.hodlBags[account.cashAsset] ?? '0');
  const available = Dec.max(0, cash)
    .times(new Dec(100).minus(account.feeBufferPct ?? 0.5))
    .div(100);
  const wanted = priced.reduce((total, p) => total.plus(p.trade.notionalUsd), new Dec(0));
  const scale = wanted.gt(available) ? available.div(wanted) : new Dec(1);
  for (const { trade, price } of priced)
    keep(trade, price, new Dec(trade.notionalUsd).times(scale).div(price), 'no_cash');
  return fitted;
}
