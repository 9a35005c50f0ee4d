import { Decimal } from '../model/decimal.ts';

/**
 * A decimal as a plain decimal string (never exponent notation), cut to `places` decimals
 * towards zero, so that a formatted limit never exceeds the exact one.
 */
export function formatDecimal(value: Decimal, places = 8): string {
  return value.toDecimalPlaces(places, Decimal.ROUND_DOWN).toFixed();
}
