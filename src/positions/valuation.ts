import { z } from 'zod';
import { tradingPair } from '../config/config-fields.ts';
import { OpenPosition } from '../risk/risk-context.ts';
import { DecimalString } from '../model/decimal-string.ts';
import { TriplegainError } from '../shared/triplegain-error.ts';
import { type Position } from './position.ts';
import { PositionSide } from '../model/position-side.ts';
import {
  Dec,
  NonNegativeStoredDecimal,
  PositiveStoredDecimal,
  StoredDecimal,
  toStoredDecimal,
} from './position-decimal.ts';

/** One position valued at a mark price. Amounts in the cash asset, decimal strings. */
export const PositionValuation = z
  .object({
    symbol: tradingPair(),
    side: PositionSide,
    quantity: PositiveStoredDecimal,
    avgEntryPrice: PositiveStoredDecimal,
    markPrice: PositiveStoredDecimal,
    leverage: z.number().min(1),
    /** `quantity × markPrice`, whatever the side (gross exposure). */
    notionalUsd: NonNegativeStoredDecimal,
    /** Collateral committed: `quantity × avgEntryPrice / leverage`. */
    marginUsd: NonNegativeStoredDecimal,
    /** `(mark − entry) × quantity` long, `(entry − mark) × quantity` short; the fee of a future exit is not deducted. */
    unrealizedPnlUsd: StoredDecimal,
    /** Realised so far, fees included (from the position). */
    realizedPnlUsd: StoredDecimal,
    feesUsd: NonNegativeStoredDecimal,
    /** What the position adds to equity on top of cash: see {@link valuePosition}. */
    equityContributionUsd: StoredDecimal,
  })
  .strict();
export type PositionValuation = z.infer<typeof PositionValuation>;

/**
 * Whether the position is spot: a long at leverage 1, bought with cash and held as the base
 * asset (the exchange port trades spot at leverage 1). Everything else (leverage above 1,
 * any short) is a margin position: its collateral stays in the cash balance.
 */
export function isSpot(position: Pick<Position, 'side' | 'leverage'>): boolean {
  return position.side === 'long' && position.leverage === 1;
}

/**
 * The position at `markPrice` (cash asset per base unit, > 0).
 *
 * Equity contribution (what to add to the cash balance for equity): a spot position's cash
 * was spent on the base asset, so it contributes its whole notional at the mark; a margin
 * position's collateral never left the cash balance, so it contributes only its unrealised
 * P&L. Realised P&L is never added: it is already in cash. Rounded to 18 places as
 * `toStoredDecimal` does.
 *
 * @throws TriplegainError `DATA_INVALID` when the mark is not a price above zero.
 */
export function valuePosition(position: Position, markPrice: string): PositionValuation {
  const mark = parseMark(position.symbol, markPrice);
  const quantity = new Dec(position.quantity);
  const notional = quantity.times(mark);
  const perUnit =
    position.side === 'long' ? mark.minus(position.avgEntryPrice) : new Dec(position.avgEntryPrice).minus(mark);
  const unrealized = perUnit.times(quantity);
  return PositionValuation.parse({
    symbol: position.symbol,
    side: position.side,
    quantity: position.quantity,
    avgEntryPrice: position.avgEntryPrice,
    markPrice: toStoredDecimal(mark),
    leverage: position.leverage,
    notionalUsd: toStoredDecimal(notional),
    marginUsd: toStoredDecimal(quantity.times(position.avgEntryPrice).div(position.leverage)),
    unrealizedPnlUsd: toStoredDecimal(unrealized),
    realizedPnlUsd: position.realizedPnlUsd,
    feesUsd: position.feesUsd,
    equityContributionUsd: toStoredDecimal(isSpot(position) ? notional : unrealized),
  });
}

/**
 * The risk engine's view of the position: its notional at `markPrice`, side and leverage.
 *
 * @throws TriplegainError `DATA_INVALID` when the mark is not a price above zero.
 */
export function toOpenPosition(position: Position, markPrice: string): OpenPosition {
  const notional = new Dec(position.quantity).times(parseMark(position.symbol, markPrice));
  return OpenPosition.parse({
    symbol: position.symbol,
    side: position.side,
    notionalUsd: toStoredDecimal(notional),
    leverage: position.leverage,
    quantity: position.quantity,
  });
}

function parseMark(symbol: string, markPrice: string): Dec {
  const parsed = DecimalString.safeParse(markPrice);
  if (!parsed.success || !new Dec(parsed.data).gt(0))
    throw new TriplegainError(
      'DATA_INVALID',
      `mark price of ${symbol} must be a decimal above zero, got ${JSON.stringify(markPrice)}`,
      { symbol, markPrice },
    );
  return new Dec(parsed.data);
}
