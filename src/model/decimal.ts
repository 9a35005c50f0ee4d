import { Decimal as DecimalJs } from 'decimal.js';

/**
 * The one decimal configuration for money, prices, quantities and percentages. 80 significant
 * digits hold any product of two stored values (`numeric(38, 18)`: up to 20 integer and 18
 * fractional digits each) exactly, so rounding happens only where a result is cut to its
 * stored or exchange scale; decimal.js's default of 20 digits would round silently in the
 * middle of a computation. Half-up rounding, and plain notation (never exponents) for any
 * value a decimal string can hold.
 */
export const Decimal = DecimalJs.clone({
  precision: 80,
  rounding: DecimalJs.ROUND_HALF_UP,
  toExpNeg: -60,
  toExpPos: 60,
});
export type Decimal = DecimalJs;

/** What a `Decimal` can be made from: a number, a decimal string or another `Decimal`. */
export type DecimalValue = DecimalJs.Value;
