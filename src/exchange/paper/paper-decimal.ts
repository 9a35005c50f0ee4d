import { Decimal } from '../../model/decimal.ts';

/** Fractional digits the database keeps (`numeric(38, 18)`): amounts are rounded to this before they are stored. */
export const STORED_DECIMALS = 18;

/**
 * Finest lot size, in decimals (Kraken's finest): a quantity the paper exchange computes
 * itself (a share of a bar's volume, what the cash affords) is cut down to this.
 */
export const LOT_DECIMALS = 8;

/** `value` as a plain decimal string (never exponent notation, never `-0`), rounded half-up to the stored 18 decimals. */
export function toDecimalString(value: Decimal): string {
  const rounded = value.toDecimalPlaces(STORED_DECIMALS, Decimal.ROUND_HALF_UP);
  return rounded.isZero() ? '0' : rounded.toFixed();
}

/** `value` cut down (towards zero) to whole lots of `LOT_DECIMALS` decimals. */
export function toLots(value: Decimal): Decimal {
  return value.toDecimalPlaces(LOT_DECIMALS, Decimal.ROUND_DOWN);
}
