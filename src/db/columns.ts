import { customType, timestamp } from 'drizzle-orm/pg-core';

/**
 * Shared column helpers. Money and quantities are `numeric`, never floats: they travel as
 * decimal strings ("68600.1") from the exchange to the database and back.
 */

/**
 * Postgres pads a `numeric(38, 18)` to its scale ("68600.100000000000000000"). Reading
 * strips the padding, so a value comes back as the canonical string that was written
 * ("68600.1"); the value itself is unchanged.
 */
function canonicalDecimal(value: string): string {
  if (!value.includes('.')) return value;
  const trimmed = value.replace(/0+$/, '').replace(/\.$/, '');
  return trimmed === '-0' ? '0' : trimmed;
}

/**
 * A decimal with 20 integer and 18 fractional digits: enough for any price, size, fee or
 * P&L in any currency (satoshi is 1e-8, wei 1e-18). Read and written as a decimal string.
 */
const decimal = customType<{ data: string; driverData: string }>({
  dataType: () => 'numeric(38, 18)',
  toDriver: (value) => value,
  fromDriver: (value) => canonicalDecimal(String(value)),
});

/** A price, notional, fee or P&L: `numeric(38, 18)`, as a decimal string. */
export const money = (name: string) => decimal(name);

/** A size or volume in units of an asset: `numeric(38, 18)`, as a decimal string. */
export const quantity = (name: string) => decimal(name);

/** An instant: `timestamp with time zone`, read as a `Date`. */
export const timestamptz = (name: string) => timestamp(name, { withTimezone: true, mode: 'date' });
