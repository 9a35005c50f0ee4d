import { Decimal } from '../model/decimal.ts';
import { minimumQuantity, roundQuantity } from '../market/instrument-rules.ts';
import type { RuleInput } from './rules/risk-rule.ts';

/** What an order is approved for: base units and their notional, both cut to 8 decimals. */
export interface SizedOrder {
  quantity: Decimal;
  notionalUsd: Decimal;
}

/**
 * The quantity of an order whose notional after every cap is `notionalUsd`, at the market
 * price (`input.entryPrice`), never at the proposal's own. Pure.
 *
 * - An entry: notional / market price.
 * - A rebalance's sell: the same, but never more than its notional at the proposal's price,
 *   the quantity the rebalance fitted to what the core holds beyond its hodl bag.
 * - An exit of a position: the requested quantity, at most what is left of the position (its
 *   quantity less the exits in flight), cut to the pair's lot; a remainder below the pair's
 *   minimum order (which no order could ever close) goes with it, so no dust position is left.
 *   Its notional is its quantity at the market price. With nothing left, the sizing rules have
 *   denied it already and the requested size stands (the checks add no reasons of their own).
 *
 * Without a positive market price nothing is sized (quantity 0; `positive_market_price` denies).
 */
export function sizeQuantity(input: RuleInput, notionalUsd: Decimal): SizedOrder {
  const price = input.entryPrice;
  if (price.lte(0)) return { quantity: new Decimal(0), notionalUsd };
  if (input.exitsPosition && input.exitableQuantity.gt(0)) return sizeExit(input);
  let quantity = notionalUsd.div(price);
  const { proposal } = input;
  if (proposal.purpose === 'rebalance' && proposal.side === 'sell')
    quantity = Decimal.min(quantity, notionalUsd.div(input.proposalPrice));
  return { quantity: cut(quantity), notionalUsd };
}

function sizeExit(input: RuleInput): SizedOrder {
  const price = input.entryPrice;
  const available = input.exitableQuantity;
  // The requested quantity (sizing input), not the capped notional's: a cap to the position
  // at the market price, cut to 8 decimals, would leave a few units behind.
  let quantity = Decimal.min(input.quantity, available);
  const instrument = input.context.instrument;
  if (instrument !== undefined) {
    quantity = new Decimal(roundQuantity(instrument, quantity.toFixed()));
    const remainder = available.minus(quantity);
    if (remainder.gt(0) && remainder.lt(minimumQuantity(instrument, price.toFixed()))) quantity = available;
  }
  quantity = cut(quantity);
  return { quantity, notionalUsd: cut(quantity.times(price)) };
}

const cut = (value: Decimal): Decimal => value.toDecimalPlaces(8, Decimal.ROUND_DOWN);
