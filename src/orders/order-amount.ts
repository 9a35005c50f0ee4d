import { DecimalString } from '../model/decimal-string.ts';

/**
 * Order quantities, prices and fees: decimal strings that fit the `numeric(38, 18)` columns
 * exactly (at most 18 decimals), so what is checked in memory is what gets stored.
 */
const StorableDecimal = DecimalString.refine((s) => (s.split('.')[1]?.length ?? 0) <= 18, 'at most 18 decimals');

export const PositiveAmount = StorableDecimal.refine((s) => !s.startsWith('-') && /[1-9]/.test(s), 'must be positive');
export const NonNegativeAmount = StorableDecimal.refine((s) => !s.startsWith('-'), 'must not be negative');
