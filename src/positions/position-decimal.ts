import { Decimal, type DecimalValue } from '../model/decimal.ts';
import { DecimalString } from '../model/decimal-string.ts';

/**
 * Decimal places kept in every price, quantity, fee and P&L that positions and the portfolio
 * produce: the scale of PostgreSQL `numeric(38,18)`, where these values are stored.
 */
export const STORED_DECIMAL_PLACES = 18;

/**
 * The decimal type of positions and the portfolio: the one configuration (`model/decimal.ts`),
 * so rounding happens in one place only: {@link toStoredDecimal}.
 */
export { Decimal as Dec };

/**
 * A value as a stored decimal string: rounded half away from zero to
 * {@link STORED_DECIMAL_PLACES} places (what PostgreSQL does when a value is cast to
 * `numeric(38,18)`), plain notation, never "-0".
 */
export function toStoredDecimal(value: DecimalValue): string {
  const rounded = new Decimal(value).toDecimalPlaces(STORED_DECIMAL_PLACES, Decimal.ROUND_HALF_UP);
  return rounded.isZero() ? '0' : rounded.toFixed();
}

const fitsScale = (s: string) => (s.split('.')[1]?.length ?? 0) <= STORED_DECIMAL_PLACES;
const SCALE_MESSAGE = `at most ${STORED_DECIMAL_PLACES} decimal places`;

/** A decimal string with at most 18 decimal places; may be negative (P&L). */
export const StoredDecimal = DecimalString.refine(fitsScale, SCALE_MESSAGE);

/** A stored decimal that is zero or more (fees, balances). */
export const NonNegativeStoredDecimal = StoredDecimal.refine((s) => !s.startsWith('-'), 'must not be negative');

/** A stored decimal greater than zero (prices, sizes): "0", "0.000" and negatives are refused. */
export const PositiveStoredDecimal = StoredDecimal.refine(
  (s) => !s.startsWith('-') && /[1-9]/.test(s),
  'must be greater than zero',
);
