/** Fractional digits of every price-valued indicator: a satoshi, and fine enough for XRP. */
export const PRICE_DECIMALS = 8;

/** Fractional digits of oscillators, ratios, scores and confidences. */
export const RATIO_DECIMALS = 4;

/**
 * A price out of the indicator library as a decimal string with `PRICE_DECIMALS` digits
 * ("68600.12345678"); the string is the boundary where the float ends.
 *
 * @throws Error on NaN or ±Infinity (an indicator bug, never a market condition).
 */
export function toPriceString(value: number): string {
  if (!Number.isFinite(value)) throw new Error(`indicator value ${value} is not a finite number`);
  const fixed = value.toFixed(PRICE_DECIMALS);
  return /^-0\.0*$/.test(fixed) ? fixed.slice(1) : fixed;
}

/** Rounds to `RATIO_DECIMALS` digits so that outputs are short and stable; never −0. */
export function roundRatio(value: number): number {
  if (!Number.isFinite(value)) throw new Error(`indicator value ${value} is not a finite number`);
  const scale = 10 ** RATIO_DECIMALS;
  return Math.round(value * scale) / scale || 0;
}
