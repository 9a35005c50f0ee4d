import { z } from 'zod';

/**
 * Prices, sizes, fees and P&L cross process boundaries as decimal strings ("68600.1",
 * "0.00000000"), never as JSON numbers, so no float ever touches money.
 */
export const DecimalString = z.string().regex(/^-?\d+(\.\d+)?$/, 'expected a decimal string such as "123.45"');
export type DecimalString = z.infer<typeof DecimalString>;

export const NonNegativeDecimalString = DecimalString.refine((s) => !s.startsWith('-'), 'must not be negative');

/** A decimal string above zero (a price, a quantity). */
export const PositiveDecimalString = DecimalString.refine(
  (s) => !s.startsWith('-') && /[1-9]/.test(s),
  'must be positive',
);
