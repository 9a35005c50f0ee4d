import type { Side } from '../../model/side.ts';
import type { OrderType } from '../exchange-port.ts';
import { Decimal } from '../../model/decimal.ts';
import { toDecimalString, toLots } from './paper-decimal.ts';
import type { PriceBar } from '../../model/price-bar.ts';

/** What the matching engine needs to know about an order that still has something to fill. */
export interface MatchableOrder {
  side: Side;
  type: OrderType;
  /** Base units still to fill, a positive decimal string. */
  remainingQuantity: string;
  /** Limit price of a `limit` order. */
  limitPrice: string | null;
  /** Trigger price of a `stop-loss` or `take-profit` order. */
  triggerPrice: string | null;
  /** A stop-loss or take-profit an earlier bar triggered but did not fill completely: it now trades at market. */
  triggered: boolean;
}

/** The `execution.paper` settings the matching engine uses. */
export interface MatchSettings {
  /** Slippage of taker fills, basis points of the price. */
  slippageBps: number;
  /** Fee of limit (maker) fills, % of notional. */
  makerFeePct: number;
  /** Fee of market, stop-loss and take-profit (taker) fills, % of notional. */
  takerFeePct: number;
  /** Largest share (0–1] of a bar's volume one fill may take. */
  maxBarVolumeShare: number;
}

export type Liquidity = 'maker' | 'taker';

/** Why an order did not fill in a bar. */
export type NoFillReason =
  /** The bar has no volume (a gap-filled bar): no trade happened, nothing triggers or fills. */
  | 'no-volume'
  /** The price did not reach the limit or trigger. */
  | 'not-crossed'
  /** The order's share of the bar's volume is less than one lot (1e-8). */
  | 'below-lot';

export type OrderMatch =
  | {
      filled: false;
      reason: NoFillReason;
      /** Whether the order is triggered after this bar (a crossed trigger stays crossed). */
      triggered: boolean;
    }
  | {
      filled: true;
      /** Base units filled in this bar. */
      quantity: string;
      /** Fill price, quote units per base unit. */
      price: string;
      /** quantity × price × fee % / 100, quote units. */
      feeUsd: string;
      liquidity: Liquidity;
      /** What stays open after this fill ("0": the order is complete). */
      remainingQuantity: string;
      triggered: boolean;
    };

/**
 * Matches one open order against the next bar. Pure; decimal arithmetic only.
 *
 * Rules, with s = slippageBps / 10 000:
 * - A bar with volume 0 (gap-filled) fills and triggers nothing.
 * - `market` (and a stop-loss or take-profit triggered by an earlier bar) fills at the bar's
 *   open, the next price after placement: buy at open × (1 + s), sell at open × (1 − s). Taker.
 * - `limit` buy fills when low ≤ limit, at min(open, limit): a bar that opens below the limit
 *   fills at the open, the better price. `limit` sell fills when high ≥ limit, at
 *   max(open, limit). No slippage (the price is the order's own or better). Maker.
 * - `stop-loss` sell triggers when low ≤ trigger and fills at min(open, trigger) × (1 − s): a
 *   gap down through the stop fills at the gap (the open), not at the stop. `stop-loss` buy
 *   (closing a short) triggers when high ≥ trigger, at max(open, trigger) × (1 + s). Taker.
 * - `take-profit` sell triggers when high ≥ trigger, at max(open, trigger) × (1 − s): a gap up
 *   through the target fills at the open. `take-profit` buy triggers when low ≤ trigger, at
 *   min(open, trigger) × (1 + s). Taker.
 * - Quantity: the remaining quantity, capped at maxBarVolumeShare × volume cut down to whole
 *   lots (1e-8); what is left stays open (a partial fill) and fills in later bars. Each order
 *   is capped on its own (orders do not share the bar's volume).
 * - Fee, in the quote asset: quantity × price × (makerFeePct or takerFeePct) / 100.
 *
 * Slippage may put a fill price outside the bar's range (a buy at open × (1 + s) above the
 * high); it is not clamped. Prices and fees are rounded half-up to 18 decimals.
 */
export function matchOrder(order: MatchableOrder, bar: PriceBar, settings: MatchSettings): OrderMatch {
  if (new Decimal(bar.volume).isZero()) return { filled: false, reason: 'no-volume', triggered: order.triggered };

  const execution = executionPrice(order, bar);
  if (execution === null) return { filled: false, reason: 'not-crossed', triggered: order.triggered };
  const triggered = order.type === 'stop-loss' || order.type === 'take-profit';

  const remaining = new Decimal(order.remainingQuantity);
  const cap = toLots(new Decimal(bar.volume).times(settings.maxBarVolumeShare));
  const quantity = Decimal.min(remaining, cap);
  if (quantity.isZero()) return { filled: false, reason: 'below-lot', triggered };

  const price =
    execution.liquidity === 'taker' ? withSlippage(execution.price, order.side, settings.slippageBps) : execution.price;
  const quantityString = toDecimalString(quantity);
  const priceString = toDecimalString(price);
  return {
    filled: true,
    quantity: quantityString,
    price: priceString,
    feeUsd: feeUsdFor(
      quantityString,
      priceString,
      execution.liquidity === 'maker' ? settings.makerFeePct : settings.takerFeePct,
    ),
    liquidity: execution.liquidity,
    remainingQuantity: toDecimalString(remaining.minus(quantity)),
    triggered,
  };
}

/** The fee of a fill, quote units: quantity × price × feePct / 100, rounded half-up to 18 decimals. */
export function feeUsdFor(quantity: string, price: string, feePct: number): string {
  return toDecimalString(new Decimal(quantity).times(price).times(feePct).dividedBy(100));
}

/** The price the order trades at in this bar before slippage, or null when the bar does not reach it. */
function executionPrice(order: MatchableOrder, bar: PriceBar): { price: Decimal; liquidity: Liquidity } | null {
  const open = new Decimal(bar.open);
  const low = new Decimal(bar.low);
  const high = new Decimal(bar.high);
  if (order.type === 'market' || order.triggered) return { price: open, liquidity: 'taker' };

  const level = new Decimal(requiredPrice(order));
  // Whether the order waits for the price to fall to `level` (else to rise to it).
  const waitsForFall =
    order.type === 'limit'
      ? order.side === 'buy'
      : order.type === 'stop-loss'
        ? order.side === 'sell'
        : order.side === 'buy';
  if (waitsForFall ? low.greaterThan(level) : high.lessThan(level)) return null;
  // A bar that opens beyond the level (a gap) trades at the open.
  const price = waitsForFall ? Decimal.min(open, level) : Decimal.max(open, level);
  return { price, liquidity: order.type === 'limit' ? 'maker' : 'taker' };
}

function requiredPrice(order: MatchableOrder): string {
  const level = order.type === 'limit' ? order.limitPrice : order.triggerPrice;
  if (level === null)
    throw new Error(`a ${order.type} order without its ${order.type === 'limit' ? 'limit' : 'trigger'} price`);
  return level;
}

/** A taker's price: a buy pays more, a sell gets less. */
function withSlippage(price: Decimal, side: Side, slippageBps: number): Decimal {
  const slip = new Decimal(slippageBps).dividedBy(10_000);
  return price.times(side === 'buy' ? new Decimal(1).plus(slip) : new Decimal(1).minus(slip));
}
