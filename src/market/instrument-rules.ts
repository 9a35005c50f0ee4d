import { Decimal } from '../model/decimal.ts';
import type { Instrument } from './instrument.ts';

/**
 * The exchange's rules for one order, applied where an order leaves and checked before it is
 * approved or accepted. Pure; decimal arithmetic only. The refusal texts are Kraken's own
 * (docs.kraken.com, "Error messages": `EOrder:Invalid price`, `EGeneral:Invalid
 * arguments:volume`, `EOrder:Order minimum not met`, `EOrder:Cost minimum not met`), but for a
 * leverage the pair does not list, which is ours.
 */

/** Which way a price is moved onto the tick grid. */
export type PriceRounding = 'up' | 'down' | 'nearest';

const decimalsOf = (value: string): number => new Decimal(value).decimalPlaces();

/** `quantity` cut down to the instrument's volume decimals (never rounded up: that could sell what is not held). */
export function roundQuantity(instrument: Instrument, quantity: string): string {
  return new Decimal(quantity).toDecimalPlaces(instrument.lotDecimals, Decimal.ROUND_DOWN).toFixed();
}

/** `price` moved onto the instrument's tick grid (a whole number of `tickSize`), then to its price decimals. */
export function roundPrice(instrument: Instrument, price: string, rounding: PriceRounding): string {
  const tick = new Decimal(instrument.tickSize);
  const mode = rounding === 'up' ? Decimal.ROUND_UP : rounding === 'down' ? Decimal.ROUND_DOWN : Decimal.ROUND_HALF_UP;
  const ticks = new Decimal(price).div(tick).toDecimalPlaces(0, mode);
  return ticks.times(tick).toDecimalPlaces(instrument.priceDecimals, mode).toFixed();
}

/**
 * A stop's trigger on the tick grid, moved toward the market (a long's sell stop up, a short's
 * buy stop down): the stop never sits farther from the price than the level risk approved.
 */
export function roundStopPrice(instrument: Instrument, side: 'buy' | 'sell', triggerPrice: string): string {
  return roundPrice(instrument, triggerPrice, side === 'sell' ? 'up' : 'down');
}

/**
 * The leverage an order of `side` may use on the instrument for a requested `leverage`: 1
 * (spot) below 2; otherwise the largest of the pair's `leverage_buy` (`leverage_sell` for a
 * sell) not above it, an integer; null when the pair lists none at or below it (no margin on
 * the pair, or less than its smallest): such an order is refused, never sent at another
 * leverage than a listed one.
 */
export function allowedLeverage(instrument: Instrument, side: 'buy' | 'sell', leverage: number): number | null {
  if (leverage < 2) return 1;
  const listed = (side === 'buy' ? instrument.leverageBuy : instrument.leverageSell).filter((l) => l <= leverage);
  return listed.length === 0 ? null : Math.max(...listed);
}

/** What one order looks like to the exchange's rules. */
export interface InstrumentOrder {
  quantity: string;
  /** With `leverage`: checked against the pair's listed leverage (absent: spot, not checked). */
  side?: 'buy' | 'sell';
  leverage?: number;
  /** The price the cost is measured at: the limit or trigger, else the market's; null or absent when no price is known (the cost is not checked). */
  price?: string | null;
  limitPrice?: string | null;
  triggerPrice?: string | null;
}

/**
 * Why the exchange would refuse `order`, in Kraken's words, or null when it accepts it:
 * a price with more decimals than the pair allows or off the tick grid, a volume with more
 * decimals than its lot, a volume below `ordermin`, a cost (volume × price) below `costmin`
 * (not checked without a price), a leverage that is not one the pair lists for the side.
 */
export function instrumentRefusal(instrument: Instrument, order: InstrumentOrder): string | null {
  if (
    order.side !== undefined &&
    order.leverage !== undefined &&
    order.leverage > 1 &&
    allowedLeverage(instrument, order.side, order.leverage) !== order.leverage
  ) {
    const listed = order.side === 'buy' ? instrument.leverageBuy : instrument.leverageSell;
    return `leverage ${order.leverage} is not one ${instrument.krakenPair} allows for a ${order.side} (${listed.length === 0 ? 'spot only' : listed.join(', ')})`;
  }
  for (const price of [order.limitPrice, order.triggerPrice]) {
    if (price === null || price === undefined) continue;
    const offGrid = !new Decimal(price).mod(instrument.tickSize).isZero();
    if (decimalsOf(price) > instrument.priceDecimals || offGrid) {
      return `EOrder:Invalid price:${instrument.krakenPair} price can only be specified up to ${instrument.priceDecimals} decimals.`;
    }
  }
  if (decimalsOf(order.quantity) > instrument.lotDecimals) return 'EGeneral:Invalid arguments:volume';
  if (new Decimal(order.quantity).lt(instrument.orderMin)) return 'EOrder:Order minimum not met';
  if (
    order.price !== null &&
    order.price !== undefined &&
    new Decimal(order.quantity).times(order.price).lt(instrument.costMin)
  )
    return 'EOrder:Cost minimum not met';
  return null;
}

/** The smallest order the instrument accepts at `price`, base units: the larger of `ordermin` and `costmin / price` (in whole lots, rounded up). */
export function minimumQuantity(instrument: Instrument, price: string): Decimal {
  const byCost = new Decimal(instrument.costMin).div(price).toDecimalPlaces(instrument.lotDecimals, Decimal.ROUND_UP);
  return Decimal.max(instrument.orderMin, byCost);
}

/** The parts of an order the exchange's grid applies to. */
export interface GridOrder {
  side: 'buy' | 'sell';
  type: 'market' | 'limit' | 'stop-loss' | 'take-profit';
  quantity: string;
  limitPrice?: string | null;
  triggerPrice?: string | null;
  leverage?: number;
}

/**
 * `order` on the instrument's grid, the one place where amounts are rounded before they leave:
 * the volume cut down to the lot; a stop's trigger moved toward the market (never widening the
 * loss risk approved); a take profit's trigger and a limit moved toward the market too (a sell
 * down, a buy up), so the order is never less likely to fill than asked; the leverage snapped
 * down to one the pair lists (`allowedLeverage`; kept as asked when none fits, and then
 * refused by `instrumentRefusal`).
 */
export function roundOrderToInstrument<O extends GridOrder>(instrument: Instrument, order: O): O {
  const towardMarket = (price: string, side: 'buy' | 'sell') =>
    roundPrice(instrument, price, side === 'sell' ? 'down' : 'up');
  const trigger = order.triggerPrice ?? null;
  return {
    ...order,
    quantity: roundQuantity(instrument, order.quantity),
    ...(order.leverage === undefined
      ? {}
      : { leverage: allowedLeverage(instrument, order.side, order.leverage) ?? order.leverage }),
    ...(order.limitPrice ? { limitPrice: towardMarket(order.limitPrice, order.side) } : {}),
    ...(trigger === null
      ? {}
      : {
          triggerPrice:
            order.type === 'stop-loss'
              ? roundStopPrice(instrument, order.side, trigger)
              : towardMarket(trigger, order.side),
        }),
  };
}
