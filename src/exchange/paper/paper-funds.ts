import type { Side } from '../../model/side.ts';
import type { Balances, OrderType } from '../exchange-port.ts';
import { Decimal } from '../../model/decimal.ts';
import { toDecimalString, toLots } from './paper-decimal.ts';

/**
 * The paper account's money rules. Pure; decimal arithmetic only.
 *
 * - Spot (leverage 1), as on Kraken: a buy needs quote cash for quantity × price plus the fee;
 *   a sell needs the base asset. While open, an order holds what it needs, so the next order
 *   only sees what is left (available = total − held by open orders).
 * - Margin (leverage > 1), kept simple: an order needs free margin, i.e. available cash of
 *   notional / leverage plus the fee, for a buy and for a sell alike (a margin sell opens or
 *   extends a short and needs no base asset). Its fills settle like spot trades, so balances may
 *   go negative: negative cash is borrowed, a negative base balance is a short. No margin
 *   positions, interest, liquidation or margin calls are modelled.
 * - A spot reduce-only order (a protective stop, a close) is a spot order like any other, as on
 *   Kraken spot: a sell holds the base asset it would sell while it rests, so the resting orders
 *   of one position never sell more than the account holds (a stop loss and a take profit cannot
 *   both rest for the whole position; a second one is refused `EOrder:Insufficient funds`).
 * - A margin reduce-only order (closing a margin position) needs and holds nothing: it only
 *   unwinds what is already open.
 * - The price an order needs cash at (`holdPrice`): a limit order's limit, a stop-loss's or
 *   take-profit's trigger, a market order's last known price (plus slippage for a buy).
 */

/** An order as the money rules see it. */
export interface FundsOrder {
  symbol: string;
  side: Side;
  type: OrderType;
  /** Base units still to fill. */
  remainingQuantity: string;
  /** Quote units per base unit the order needs cash at; null only where no price is needed (a spot sell). */
  holdPrice: string | null;
  leverage: number;
  reduceOnly: boolean;
}

export interface FundsSettings {
  /** The quote asset of every paper pair (`symbols.cashAsset`). */
  cashAsset: string;
  makerFeePct: number;
  takerFeePct: number;
}

/** An amount of one asset. */
export interface AssetAmount {
  asset: string;
  amount: Decimal;
}

/** The base asset of a BASE/QUOTE pair. */
export function baseAssetOf(symbol: string): string {
  return symbol.split('/')[0] ?? symbol;
}

/** The quote asset of a BASE/QUOTE pair. */
export function quoteAssetOf(symbol: string): string {
  return symbol.split('/')[1] ?? '';
}

/** Limit orders add liquidity (maker fee); everything else takes it (taker fee). */
export function feePctFor(type: OrderType, settings: Pick<FundsSettings, 'makerFeePct' | 'takerFeePct'>): number {
  return type === 'limit' ? settings.makerFeePct : settings.takerFeePct;
}

/** Whether an order needs a price to know what it holds (every buy, every margin order). */
export function needsHoldPrice(order: Pick<FundsOrder, 'side' | 'leverage'>): boolean {
  return order.side === 'buy' || order.leverage > 1;
}

/**
 * What the order's remaining quantity needs in the account: spot buy → cash of
 * quantity × holdPrice × (1 + fee %); spot sell → the base quantity; margin →
 * cash of quantity × holdPrice / leverage + fee; a margin reduce-only order → nothing.
 */
export function fundsNeeded(order: FundsOrder, settings: FundsSettings): AssetAmount | null {
  const remaining = new Decimal(order.remainingQuantity);
  if (order.leverage > 1 && order.reduceOnly) return null;
  if (order.leverage <= 1 && order.side === 'sell') return { asset: baseAssetOf(order.symbol), amount: remaining };
  if (order.holdPrice === null) throw new Error(`a ${order.side} order on ${order.symbol} needs a hold price`);
  const notional = remaining.times(order.holdPrice);
  const fee = notional.times(feePctFor(order.type, settings)).dividedBy(100);
  const margin = order.leverage > 1 ? notional.dividedBy(order.leverage) : notional;
  return { asset: settings.cashAsset, amount: margin.plus(fee) };
}

/**
 * Total minus what the open orders hold, per asset (assets only held appear negative). An open
 * order holds what its remaining quantity needs (`fundsNeeded`): reduce-only spot sells included.
 */
export function availableBalances(
  balances: Balances,
  openOrders: readonly FundsOrder[],
  settings: FundsSettings,
): Map<string, Decimal> {
  const available = new Map<string, Decimal>();
  for (const [asset, total] of Object.entries(balances)) available.set(asset, new Decimal(total));
  for (const order of openOrders) {
    const held = fundsNeeded(order, settings);
    if (held) available.set(held.asset, (available.get(held.asset) ?? new Decimal(0)).minus(held.amount));
  }
  return available;
}

/** Whether a new order fits in what is available: the placement check (false: `EOrder:Insufficient funds`). */
export function hasFundsFor(
  order: FundsOrder,
  available: ReadonlyMap<string, Decimal>,
  settings: FundsSettings,
): boolean {
  const needed = fundsNeeded(order, settings);
  return needed === null || (available.get(needed.asset) ?? new Decimal(0)).greaterThanOrEqualTo(needed.amount);
}

/**
 * How much of a fill of `quantity` at `price` the account can pay for, given what is
 * available besides this order's own hold (`available` excludes it). Spot only: a buy is
 * capped at what the cash affords with the fee (cut to whole lots), a sell at the base
 * balance; margin fills are not capped. Returns a decimal string, possibly "0".
 */
export function fundableQuantity(
  order: FundsOrder,
  quantity: string,
  price: string,
  available: ReadonlyMap<string, Decimal>,
  settings: FundsSettings,
): string {
  const wanted = new Decimal(quantity);
  if (order.leverage > 1) return quantity;
  if (order.side === 'sell') {
    const base = available.get(baseAssetOf(order.symbol)) ?? new Decimal(0);
    return toDecimalString(Decimal.max(0, Decimal.min(wanted, base)));
  }
  const cash = available.get(settings.cashAsset) ?? new Decimal(0);
  const unitCost = new Decimal(price).times(
    new Decimal(1).plus(new Decimal(feePctFor(order.type, settings)).dividedBy(100)),
  );
  if (wanted.times(unitCost).lessThanOrEqualTo(cash)) return quantity;
  return toDecimalString(Decimal.max(0, toLots(cash.dividedBy(unitCost))));
}

/** A fill as it moves balances. */
export interface SettledFill {
  symbol: string;
  side: Side;
  quantity: string;
  price: string;
  feeUsd: string;
}

/**
 * Balances after a fill: a buy adds the base quantity and pays quantity × price + fee in cash;
 * a sell removes the base quantity and receives quantity × price − fee. Returns only the two
 * changed assets, as decimal strings.
 */
export function settleFill(balances: Balances, fill: SettledFill, cashAsset: string): Balances {
  const base = baseAssetOf(fill.symbol);
  const notional = new Decimal(fill.quantity).times(fill.price);
  const baseBefore = new Decimal(balances[base] ?? '0');
  const cashBefore = new Decimal(balances[cashAsset] ?? '0');
  const buy = fill.side === 'buy';
  return {
    [base]: toDecimalString(buy ? baseBefore.plus(fill.quantity) : baseBefore.minus(fill.quantity)),
    [cashAsset]: toDecimalString(
      buy ? cashBefore.minus(notional).minus(fill.feeUsd) : cashBefore.plus(notional).minus(fill.feeUsd),
    ),
  };
}
