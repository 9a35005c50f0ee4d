import { z } from 'zod';
import { Side } from '../model/side.ts';
import { tradingPair } from '../config/config-fields.ts';
import { TriplegainError } from '../shared/triplegain-error.ts';
import { NO_PROTECTION, Position } from './position.ts';
import { type PositionSide } from '../model/position-side.ts';
import { Dec, NonNegativeStoredDecimal, PositiveStoredDecimal, toStoredDecimal } from './position-decimal.ts';

/** One execution of an order, as positions need it. Parse at the edge where fills arrive. */
export const PositionFill = z
  .object({
    symbol: tradingPair(),
    side: Side,
    /** Base-asset units filled, > 0. */
    quantity: PositiveStoredDecimal,
    /** Price of this fill, cash asset per base unit, > 0. */
    price: PositiveStoredDecimal,
    /** Fee of this fill in the cash asset. */
    feeUsd: NonNegativeStoredDecimal,
    atMs: z.number().int().nonnegative(),
    /** Leverage of the order; absent means the open position's, or 1 (spot) for a new one. */
    leverage: z.number().min(1).optional(),
  })
  .strict();
export type PositionFill = z.infer<typeof PositionFill>;

/** A position that a fill closed (fully, or by flipping it): its whole life, for the trade log and the loss streak. */
export interface ClosedTrade {
  symbol: string;
  side: PositionSide;
  /** Size at the moment of closing. */
  quantity: string;
  avgEntryPrice: string;
  /** Price of the closing fill. */
  exitPrice: string;
  leverage: number;
  /** Everything realised over the position's life, every fee included. */
  realizedPnlUsd: string;
  /** Every fee over the position's life (the closing fill's share included). */
  feesUsd: string;
  openedAtMs: number;
  closedAtMs: number;
}

export interface FillOutcome {
  /** The position after the fill; null when it closed and nothing opened. */
  position: Position | null;
  /** P&L realised by this fill alone, its fee included (an opening fill realises minus its fee). */
  realizedPnlUsd: string;
  /** Whether this fill opened a position (from nothing, or the new side of a flip). */
  opened: boolean;
  /** Whether this fill closed the position it found (exactly, or by flipping it). */
  closed: boolean;
  /** The closed position when `closed`, else null. */
  closedTrade: ClosedTrade | null;
}

/**
 * The position after one fill. Pure.
 *
 * - No position: the fill opens one (buy → long, sell → short) at the fill's price and
 *   leverage (1 when absent), without protection.
 * - Same direction (buy on a long, sell on a short): adds; the entry becomes the
 *   volume-weighted average `(q₁·p₁ + q₂·p₂) / (q₁ + q₂)`.
 * - Opposite direction, smaller: reduces; realises `(price − entry) × qty` on a long,
 *   `(entry − price) × qty` on a short. Entry, leverage and protection stay.
 * - Opposite direction, equal: closes; the position becomes null.
 * - Opposite direction, larger: flips; closes the position and opens the other side with the
 *   remainder at the fill's price, with the fill's leverage (or the old one's) and no
 *   protection (the old stops were for the other side). The fee is split between the two
 *   parts in proportion to quantity, and the two shares sum exactly to the fee.
 *
 * Fees always reduce P&L: every fee is realised as a loss when paid, the opening fee too
 * (the entry price stays the exchange's fill price, fees are not folded into it).
 *
 * Rounding: arithmetic is exact to 60 significant digits; each stored result (average entry,
 * P&L, fee shares) is rounded once, half away from zero, to 18 decimal places
 * (`numeric(38,18)`). Quantities need no rounding: they only add and subtract.
 *
 * Time: `updatedAtMs` (and a flip's `openedAtMs`) is the later of the fill's time and the
 * position's last update, so a fill reported out of order never moves the position back.
 *
 * @throws TriplegainError `DATA_INVALID` when the fill is for another symbol, or adds to a
 *   position with a different leverage (a caller bug, not retryable).
 */
export function applyFill(position: Position | null, fill: PositionFill): FillOutcome {
  if (position === null) {
    const opened = open(fill.side === 'buy' ? 'long' : 'short', fill.quantity, fill.feeUsd, fill, fill.leverage ?? 1);
    return {
      position: opened,
      realizedPnlUsd: toStoredDecimal(new Dec(fill.feeUsd).neg()),
      opened: true,
      closed: false,
      closedTrade: null,
    };
  }
  if (fill.symbol !== position.symbol) {
    throw new TriplegainError('DATA_INVALID', `a ${fill.symbol} fill cannot change a ${position.symbol} position`, {
      positionSymbol: position.symbol,
      fillSymbol: fill.symbol,
    });
  }
  const adds = (position.side === 'long') === (fill.side === 'buy');
  return adds ? add(position, fill) : reduce(position, fill);
}

function open(side: PositionSide, quantity: string, feeUsd: string, fill: PositionFill, leverage: number): Position {
  return Position.parse({
    symbol: fill.symbol,
    side,
    quantity: toStoredDecimal(quantity),
    avgEntryPrice: toStoredDecimal(fill.price),
    leverage,
    realizedPnlUsd: toStoredDecimal(new Dec(feeUsd).neg()),
    feesUsd: toStoredDecimal(feeUsd),
    openedAtMs: fill.atMs,
    updatedAtMs: fill.atMs,
    protection: NO_PROTECTION,
  });
}

function add(position: Position, fill: PositionFill): FillOutcome {
  if (fill.leverage !== undefined && fill.leverage !== position.leverage) {
    throw new TriplegainError(
      'DATA_INVALID',
      `a ${fill.leverage}x fill cannot add to a ${position.leverage}x ${position.symbol} position`,
      { symbol: position.symbol, positionLeverage: position.leverage, fillLeverage: fill.leverage },
    );
  }
  const held = new Dec(position.quantity);
  const quantity = held.plus(fill.quantity);
  const cost = held.times(position.avgEntryPrice).plus(new Dec(fill.quantity).times(fill.price));
  const fee = new Dec(fill.feeUsd);
  const next = Position.parse({
    ...position,
    quantity: toStoredDecimal(quantity),
    avgEntryPrice: toStoredDecimal(cost.div(quantity)),
    realizedPnlUsd: toStoredDecimal(new Dec(position.realizedPnlUsd).minus(fee)),
    feesUsd: toStoredDecimal(fee.plus(position.feesUsd)),
    updatedAtMs: Math.max(position.updatedAtMs, fill.atMs),
  });
  return {
    position: next,
    realizedPnlUsd: toStoredDecimal(fee.neg()),
    opened: false,
    closed: false,
    closedTrade: null,
  };
}

function reduce(position: Position, fill: PositionFill): FillOutcome {
  const held = new Dec(position.quantity);
  const filled = new Dec(fill.quantity);
  const fee = new Dec(fill.feeUsd);
  const perUnit =
    position.side === 'long'
      ? new Dec(fill.price).minus(position.avgEntryPrice)
      : new Dec(position.avgEntryPrice).minus(fill.price);
  const atMs = Math.max(position.updatedAtMs, fill.atMs);

  if (filled.lt(held)) {
    const realized = perUnit.times(filled).minus(fee);
    const next = Position.parse({
      ...position,
      quantity: toStoredDecimal(held.minus(filled)),
      realizedPnlUsd: toStoredDecimal(realized.plus(position.realizedPnlUsd)),
      feesUsd: toStoredDecimal(fee.plus(position.feesUsd)),
      updatedAtMs: atMs,
    });
    return {
      position: next,
      realizedPnlUsd: toStoredDecimal(realized),
      opened: false,
      closed: false,
      closedTrade: null,
    };
  }

  // Closes (and flips when the fill is larger): the closing part bears its share of the fee.
  const closeFee = filled.eq(held) ? fee : new Dec(toStoredDecimal(fee.times(held).div(filled)));
  const openFee = fee.minus(closeFee);
  const closingRealized = perUnit.times(held).minus(closeFee);
  const closedTrade: ClosedTrade = {
    symbol: position.symbol,
    side: position.side,
    quantity: position.quantity,
    avgEntryPrice: position.avgEntryPrice,
    exitPrice: fill.price,
    leverage: position.leverage,
    realizedPnlUsd: toStoredDecimal(closingRealized.plus(position.realizedPnlUsd)),
    feesUsd: toStoredDecimal(closeFee.plus(position.feesUsd)),
    openedAtMs: position.openedAtMs,
    closedAtMs: atMs,
  };
  const realizedPnlUsd = toStoredDecimal(closingRealized.minus(openFee));
  if (filled.eq(held)) return { position: null, realizedPnlUsd, opened: false, closed: true, closedTrade };

  const flipped = open(
    position.side === 'long' ? 'short' : 'long',
    filled.minus(held).toFixed(),
    openFee.toFixed(),
    { ...fill, atMs },
    fill.leverage ?? position.leverage,
  );
  return { position: flipped, realizedPnlUsd, opened: true, closed: true, closedTrade };
}
