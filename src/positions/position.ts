import { z } from 'zod';
import { PositionSide } from '../model/position-side.ts';
import { tradingPair } from '../config/config-fields.ts';
import { Dec, NonNegativeStoredDecimal, PositiveStoredDecimal, StoredDecimal } from './position-decimal.ts';

/** Trailing distance, % of the water mark (2 means the stop trails 2 % behind). */
const TrailingDistancePct = z.number().gt(0).lt(100);

/** A long position's trailing stop: it follows the highest price since it was set. */
export const LongTrailingStop = z
  .object({
    distancePct: TrailingDistancePct,
    /** Highest price seen since the trailing stop was set. */
    highWaterPrice: PositiveStoredDecimal,
    /** Exit when the price falls to this; only ever rises. */
    stopPrice: PositiveStoredDecimal,
  })
  .strict();
export type LongTrailingStop = z.infer<typeof LongTrailingStop>;

/** A short position's trailing stop: it follows the lowest price since it was set. */
export const ShortTrailingStop = z
  .object({
    distancePct: TrailingDistancePct,
    /** Lowest price seen since the trailing stop was set. */
    lowWaterPrice: PositiveStoredDecimal,
    /** Exit when the price rises to this; only ever falls. */
    stopPrice: PositiveStoredDecimal,
  })
  .strict();
export type ShortTrailingStop = z.infer<typeof ShortTrailingStop>;

export const TrailingStop = z.union([LongTrailingStop, ShortTrailingStop]);
export type TrailingStop = z.infer<typeof TrailingStop>;

/** Protective exits of a position, each off when null. Prices in the cash asset. */
export const PositionProtection = z
  .object({
    stopLoss: PositiveStoredDecimal.nullable(),
    takeProfit: PositiveStoredDecimal.nullable(),
    trailing: TrailingStop.nullable(),
  })
  .strict();
export type PositionProtection = z.infer<typeof PositionProtection>;

/** No stop loss, no take profit, no trailing stop. */
export const NO_PROTECTION: PositionProtection = { stopLoss: null, takeProfit: null, trailing: null };

/**
 * One open, net position per symbol, built from fills by `applyFill`.
 *
 * Only an open position exists: its size and entry price are greater than zero and its
 * leverage at least 1, and the schema refuses anything else. A closed position is `null` (or
 * absent), never a zero-size position.
 *
 * Amounts are decimal strings with at most 18 decimal places (`numeric(38,18)`); prices,
 * fees and P&L are in the cash (quote) asset, `quantity` in the base asset.
 */
export const Position = z
  .object({
    symbol: tradingPair(),
    side: PositionSide,
    /** Base-asset units, always > 0 (the side carries the direction). */
    quantity: PositiveStoredDecimal,
    /** Volume-weighted price of the fills that opened and added to the position (fees excluded). */
    avgEntryPrice: PositiveStoredDecimal,
    /** 1 is spot (a long bought with cash); above 1 is margin. */
    leverage: z.number().min(1),
    /** Realised so far on this position, fees included (every fee paid is realised as a loss). */
    realizedPnlUsd: StoredDecimal,
    /** Fees paid so far on this position. */
    feesUsd: NonNegativeStoredDecimal,
    openedAtMs: z.number().int().nonnegative(),
    /** Time of the last fill. */
    updatedAtMs: z.number().int().nonnegative(),
    protection: PositionProtection,
  })
  .strict()
  .superRefine((p, ctx) => {
    if (p.updatedAtMs < p.openedAtMs)
      ctx.addIssue({
        code: 'custom',
        path: ['updatedAtMs'],
        message: `${p.updatedAtMs} is before openedAtMs (${p.openedAtMs})`,
      });
    checkProtection(p.side, p.protection, ctx);
  });
export type Position = z.infer<typeof Position>;

function checkProtection(side: PositionSide, protection: PositionProtection, ctx: z.RefinementCtx): void {
  const { stopLoss, takeProfit, trailing } = protection;
  // A stop loss may sit above the entry of a long (a stop moved to lock in profit), but it is
  // always on the losing side of the take profit.
  if (stopLoss !== null && takeProfit !== null) {
    const ordered = side === 'long' ? new Dec(stopLoss).lt(takeProfit) : new Dec(stopLoss).gt(takeProfit);
    if (!ordered)
      ctx.addIssue({
        code: 'custom',
        path: ['protection', 'stopLoss'],
        message: `a ${side} position's stop loss ${stopLoss} must be ${side === 'long' ? 'below' : 'above'} its take profit ${takeProfit}`,
      });
  }
  if (trailing === null) return;
  if (side === 'long') {
    if (!('highWaterPrice' in trailing))
      return void ctx.addIssue({
        code: 'custom',
        path: ['protection', 'trailing'],
        message: 'a long position trails a highWaterPrice',
      });
    if (new Dec(trailing.stopPrice).gt(trailing.highWaterPrice))
      ctx.addIssue({
        code: 'custom',
        path: ['protection', 'trailing', 'stopPrice'],
        message: `${trailing.stopPrice} is above the high-water price ${trailing.highWaterPrice}`,
      });
  } else {
    if (!('lowWaterPrice' in trailing))
      return void ctx.addIssue({
        code: 'custom',
        path: ['protection', 'trailing'],
        message: 'a short position trails a lowWaterPrice',
      });
    if (new Dec(trailing.stopPrice).lt(trailing.lowWaterPrice))
      ctx.addIssue({
        code: 'custom',
        path: ['protection', 'trailing', 'stopPrice'],
        message: `${trailing.stopPrice} is below the low-water price ${trailing.lowWaterPrice}`,
      });
  }
}
