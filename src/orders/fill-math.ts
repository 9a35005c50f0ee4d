import { Decimal } from '../model/decimal.ts';
import { TriplegainError } from '../shared/triplegain-error.ts';

/** The columns' scale: `numeric(38, 18)`. */
const SCALE = 18;

/** What an order has filled so far. Decimal strings; `avgFillPrice` null before the first fill. */
export interface FillTotals {
  filledQuantity: string;
  avgFillPrice: string | null;
  feeUsd: string;
}

export interface FillAmounts {
  quantity: string;
  price: string;
  feeUsd: string;
}

function toText(value: Decimal): string {
  return value.toDecimalPlaces(SCALE).toFixed();
}

/** Quantity times price, exact. */
function notionalOf(quantity: string, price: string | null): Decimal {
  return price === null ? new Decimal(0) : new Decimal(quantity).times(price);
}

/**
 * The totals after one more fill: quantities and fees add up, the average price is weighted by
 * volume ((q₁·p₁ + q₂·p₂) / (q₁ + q₂), rounded half up to 18 decimals).
 */
export function addFill(totals: FillTotals, fill: FillAmounts): FillTotals {
  const filled = new Decimal(totals.filledQuantity).plus(fill.quantity);
  const notional = notionalOf(totals.filledQuantity, totals.avgFillPrice).plus(notionalOf(fill.quantity, fill.price));
  return {
    filledQuantity: toText(filled),
    avgFillPrice: toText(notional.dividedBy(filled)),
    feeUsd: toText(new Decimal(totals.feeUsd).plus(fill.feeUsd)),
  };
}

/** Whether `a` is greater than `b`, as decimals. */
export function exceeds(a: string, b: string): boolean {
  return new Decimal(a).greaterThan(b);
}

/** Whether two decimal strings are the same number ("0.50" and "0.5"). */
export function sameAmount(a: string, b: string): boolean {
  return new Decimal(a).equals(b);
}

/** The canonical text of a decimal string ("0.50" → "0.5"). */
export function canonicalAmount(value: string): string {
  return toText(new Decimal(value));
}

/**
 * The one fill that takes an order from `ours` to `theirs` (the exchange's totals): the
 * quantity and fee by difference, the price so that the volume-weighted average comes out as
 * theirs. Null when nothing more filled. A fee lower on their side than on ours (rounding) adds
 * a zero fee rather than a negative one.
 *
 * @throws TriplegainError `DATA_INVALID` when theirs has less filled than ours, or fills
 *   without an average price, or the difference implies a price that is not positive.
 */
export function fillBetween(ours: FillTotals, theirs: FillTotals): FillAmounts | null {
  const quantity = new Decimal(theirs.filledQuantity).minus(ours.filledQuantity);
  if (quantity.isZero()) return null;
  if (quantity.isNegative()) {
    throw new TriplegainError(
      'DATA_INVALID',
      `exchange reports ${theirs.filledQuantity} filled, less than the ${ours.filledQuantity} recorded`,
      { ours, theirs },
    );
  }
  if (theirs.avgFillPrice === null) {
    throw new TriplegainError(
      'DATA_INVALID',
      `exchange reports ${theirs.filledQuantity} filled without an average price`,
      { ours, theirs },
    );
  }
  const price = notionalOf(theirs.filledQuantity, theirs.avgFillPrice)
    .minus(notionalOf(ours.filledQuantity, ours.avgFillPrice))
    .dividedBy(quantity)
    .toDecimalPlaces(SCALE);
  if (!price.greaterThan(0)) {
    throw new TriplegainError(
      'DATA_INVALID',
      `exchange's average price ${theirs.avgFillPrice} implies a fill price of ${price.toFixed()}`,
      { ours, theirs },
    );
  }
  const fee = Decimal.max(new Decimal(theirs.feeUsd).minus(ours.feeUsd), 0);
  return { quantity: toText(quantity), price: toText(price), feeUsd: toText(fee) };
}
