import { z } from 'zod';
import { TriplegainError } from '../shared/triplegain-error.ts';
import type { Position } from './position.ts';
import { Dec, NonNegativeStoredDecimal, StoredDecimal, toStoredDecimal } from './position-decimal.ts';
import { PositionValuation, valuePosition } from './valuation.ts';

/** The account at one moment: cash, open positions at their marks, and the totals. Amounts in the cash asset. */
export const PositionSnapshot = z
  .object({
    atMs: z.number().int().nonnegative(),
    /** Cash balance as given (it already holds every realised P&L and fee). */
    cashUsd: StoredDecimal,
    /** `cashUsd + Σ equityContributionUsd`. */
    equityUsd: StoredDecimal,
    /** Gross exposure: `Σ notionalUsd`, longs and shorts alike. */
    exposureUsd: NonNegativeStoredDecimal,
    unrealizedPnlUsd: StoredDecimal,
    /** Realised so far on the positions still open, fees included (closed positions are in cash). */
    realizedPnlUsd: StoredDecimal,
    /** Fees paid so far on the positions still open. */
    feesUsd: NonNegativeStoredDecimal,
    /** One valuation per open position, by symbol. */
    positions: z.array(PositionValuation),
  })
  .strict();
export type PositionSnapshot = z.infer<typeof PositionSnapshot>;

/**
 * Values every open position at its mark and totals them. Pure. Per-position values are
 * those of `valuePosition` (rounded to 18 places); the totals add those rounded values, so a
 * total always equals the sum of the rows shown.
 *
 * @param marks mark price per symbol (cash asset per base unit, decimal strings); symbols
 *   without a position are ignored.
 * @param cashUsd the cash balance (decimal string; may be negative on margin).
 * @throws TriplegainError `DATA_INVALID` when a position has no mark or a mark is not above
 *   zero, or when two positions share a symbol (positions are net: one per symbol).
 */
export function takeSnapshot(
  positions: readonly Position[],
  marks: Readonly<Record<string, string>>,
  cashUsd: string,
  nowMs: number,
): PositionSnapshot {
  const seen = new Set<string>();
  const valued = [...positions]
    .sort((a, b) => (a.symbol < b.symbol ? -1 : a.symbol > b.symbol ? 1 : 0))
    .map((position) => {
      if (seen.has(position.symbol))
        throw new TriplegainError(
          'DATA_INVALID',
          `two positions for ${position.symbol}; positions are net, one per symbol`,
          { symbol: position.symbol },
        );
      seen.add(position.symbol);
      const mark = Object.hasOwn(marks, position.symbol) ? marks[position.symbol] : undefined;
      if (mark === undefined)
        throw new TriplegainError('DATA_INVALID', `no mark price for ${position.symbol}`, { symbol: position.symbol });
      return valuePosition(position, mark);
    });
  const sum = (pick: (v: PositionValuation) => string) => valued.reduce((total, v) => total.plus(pick(v)), new Dec(0));
  return PositionSnapshot.parse({
    atMs: nowMs,
    cashUsd,
    equityUsd: toStoredDecimal(sum((v) => v.equityContributionUsd).plus(cashUsd)),
    exposureUsd: toStoredDecimal(sum((v) => v.notionalUsd)),
    unrealizedPnlUsd: toStoredDecimal(sum((v) => v.unrealizedPnlUsd)),
    realizedPnlUsd: toStoredDecimal(sum((v) => v.realizedPnlUsd)),
    feesUsd: toStoredDecimal(sum((v) => v.feesUsd)),
    positions: valued,
  });
}
