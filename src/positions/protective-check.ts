import { z } from 'zod';
import { DecimalString } from '../model/decimal-string.ts';
import { TriplegainError } from '../shared/triplegain-error.ts';
import type { LongTrailingStop, Position, ShortTrailingStop, TrailingStop } from './position.ts';
import type { PositionSide } from '../model/position-side.ts';
import { Dec, toStoredDecimal } from './position-decimal.ts';

/**
 * The prices seen since the last check, cash asset per base unit: a candle, or one price
 * update as a bar whose four prices are equal ({@link priceAsBar}).
 */
export const PriceBar = z
  .object({ open: DecimalString, high: DecimalString, low: DecimalString, close: DecimalString })
  .strict()
  .superRefine((b, ctx) => {
    const [open, high, low, close] = [b.open, b.high, b.low, b.close].map((v) => new Dec(v)) as [Dec, Dec, Dec, Dec];
    if (!low.gt(0)) ctx.addIssue({ code: 'custom', path: ['low'], message: `${b.low} is not a price above zero` });
    if (high.lt(Dec.max(open, close, low)) || low.gt(Dec.min(open, close)))
      ctx.addIssue({
        code: 'custom',
        message: `low ${b.low} ≤ open ${b.open}, close ${b.close} ≤ high ${b.high} does not hold`,
      });
  });
export type PriceBar = z.infer<typeof PriceBar>;

/** One price update as a bar. */
export function priceAsBar(price: string): PriceBar {
  return { open: price, high: price, low: price, close: price };
}

export type ProtectiveAction = 'stop_loss' | 'take_profit' | 'trailing_stop';

/** A protective exit that triggered: close the whole position with a reduce-only market order. */
export interface ProtectiveTrigger {
  action: ProtectiveAction;
  /** The level that was crossed. */
  triggerPrice: string;
  /** Expected exit price before slippage: the level, or the open when the bar opened through it. */
  fillPrice: string;
  /** Whether the bar opened through the level (a gap): the exit is at the open, not the level. */
  gapped: boolean;
  /** Side of the closing order: sell for a long, buy for a short. */
  exitSide: 'buy' | 'sell';
  /** The whole position. */
  quantity: string;
}

interface Candidate {
  action: ProtectiveAction;
  level: Dec;
  gapped: boolean;
}

/** Stops (loss-limiting exits) before the take profit when the order within a bar is unknown. */
const PRIORITY: Record<ProtectiveAction, number> = { stop_loss: 0, trailing_stop: 1, take_profit: 2 };

/**
 * Whether a protective exit triggers within `bar`, and at what price. Pure; call it on every
 * price update and candle. It does not look at the trading or coordinator state on purpose:
 * protective exits go on while PAUSED, REDUCING or HALTED (they only reduce exposure).
 *
 * Long (short mirrored): the stop loss and the trailing stop trigger when `low ≤ level`, the
 * take profit when `high ≥ level`. The trailing stop checked is the one from before the bar:
 * call {@link ratchetTrailing} after this check, never before (ratcheting on the bar's high
 * first would assume the high came before the low).
 *
 * Gap: a level the bar opens through (long stop: `open < stop`) triggers at the open, which
 * is where the exit can actually fill, not at the level. (An open exactly at the level fills
 * at the level: the same price.)
 *
 * Several levels in one bar, conservatively:
 * 1. The open is the first price of the bar, so a level crossed at the open wins; if several
 *    are, the stop loss, then the trailing stop, then the take profit (all fill at the open).
 * 2. Otherwise a stop (stop loss or trailing) wins over the take profit even when the bar
 *    touched both: a bar does not tell which came first, and assuming the loss never
 *    overstates the result. Of two stops, the one nearer the open (the higher for a long)
 *    is reached first; at equal levels the stop loss is reported.
 * 3. Otherwise the take profit, at its level.
 *
 * @returns the exit to place, or null when nothing triggered.
 * @throws ZodError when the bar is not a valid bar.
 */
export function checkProtection(position: Position, bar: PriceBar): ProtectiveTrigger | null {
  const { open, high, low } = parseBar(bar);
  const long = position.side === 'long';
  const { stopLoss, takeProfit, trailing } = position.protection;
  // A stop is below the price for a long, a target above; both the other way round for a short.
  const stop = (action: ProtectiveAction, level: Dec): Candidate | null => {
    if (long ? low.gt(level) : high.lt(level)) return null;
    return { action, level, gapped: long ? open.lt(level) : open.gt(level) };
  };
  const target = (action: ProtectiveAction, level: Dec): Candidate | null => {
    if (long ? high.lt(level) : low.gt(level)) return null;
    return { action, level, gapped: long ? open.gt(level) : open.lt(level) };
  };
  const candidates = [
    stopLoss === null ? null : stop('stop_loss', new Dec(stopLoss)),
    trailing === null ? null : stop('trailing_stop', new Dec(trailing.stopPrice)),
    takeProfit === null ? null : target('take_profit', new Dec(takeProfit)),
  ].filter((c): c is Candidate => c !== null);
  if (candidates.length === 0) return null;

  const gapped = candidates.filter((c) => c.gapped).sort((a, b) => PRIORITY[a.action] - PRIORITY[b.action]);
  const stops = candidates
    .filter((c) => c.action !== 'take_profit')
    // Nearest the open first: the highest stop of a long, the lowest of a short.
    .sort((a, b) => (long ? b.level.cmp(a.level) : a.level.cmp(b.level)) || PRIORITY[a.action] - PRIORITY[b.action]);
  const chosen = gapped[0] ?? stops[0] ?? candidates[0];
  if (chosen === undefined) return null;
  return {
    action: chosen.action,
    triggerPrice: toStoredDecimal(chosen.level),
    fillPrice: toStoredDecimal(chosen.gapped ? open : chosen.level),
    gapped: chosen.gapped,
    exitSide: long ? 'sell' : 'buy',
    quantity: position.quantity,
  };
}

/**
 * A trailing stop starting at `price`: the water mark is `price`, the stop `distancePct`
 * behind it (below for a long, above for a short), rounded to 18 places.
 */
export function startTrailing(side: PositionSide, distancePct: number, price: string): TrailingStop {
  const mark = new Dec(price);
  if (side === 'long')
    return {
      distancePct,
      highWaterPrice: toStoredDecimal(mark),
      stopPrice: toStoredDecimal(longStop(mark, distancePct)),
    };
  return {
    distancePct,
    lowWaterPrice: toStoredDecimal(mark),
    stopPrice: toStoredDecimal(shortStop(mark, distancePct)),
  };
}

/**
 * The position's trailing stop after `bar`, or null when it has none. It only ever tightens:
 * a long's water mark follows the bar's high and its stop rises to `distancePct` below it,
 * never falls; a short's follows the low and its stop falls, never rises. A bar that moves
 * against the position leaves the trailing stop unchanged.
 *
 * @throws TriplegainError `DATA_INVALID` when the trailing stop is of the other side.
 * @throws ZodError when the bar is not a valid bar.
 */
export function ratchetTrailing(position: Position, bar: PriceBar): TrailingStop | null {
  const trailing = position.protection.trailing;
  if (trailing === null) return null;
  const { high, low } = parseBar(bar);
  if (position.side === 'long') {
    if (!('highWaterPrice' in trailing)) throw wrongSide(position);
    return ratchetLong(trailing, high);
  }
  if (!('lowWaterPrice' in trailing)) throw wrongSide(position);
  return ratchetShort(trailing, low);
}

function ratchetLong(trailing: LongTrailingStop, high: Dec): LongTrailingStop {
  const water = Dec.max(trailing.highWaterPrice, high);
  const stopPrice = Dec.max(trailing.stopPrice, longStop(water, trailing.distancePct));
  return {
    distancePct: trailing.distancePct,
    highWaterPrice: toStoredDecimal(water),
    stopPrice: toStoredDecimal(stopPrice),
  };
}

function ratchetShort(trailing: ShortTrailingStop, low: Dec): ShortTrailingStop {
  const water = Dec.min(trailing.lowWaterPrice, low);
  const stopPrice = Dec.min(trailing.stopPrice, shortStop(water, trailing.distancePct));
  return {
    distancePct: trailing.distancePct,
    lowWaterPrice: toStoredDecimal(water),
    stopPrice: toStoredDecimal(stopPrice),
  };
}

const longStop = (water: Dec, distancePct: number) => water.times(new Dec(100).minus(distancePct)).div(100);
const shortStop = (water: Dec, distancePct: number) => water.times(new Dec(100).plus(distancePct)).div(100);

function parseBar(bar: PriceBar): { open: Dec; high: Dec; low: Dec } {
  const parsed = PriceBar.parse(bar);
  return { open: new Dec(parsed.open), high: new Dec(parsed.high), low: new Dec(parsed.low) };
}

function wrongSide(position: Position): TriplegainError {
  return new TriplegainError(
    'DATA_INVALID',
    `the trailing stop of the ${position.side} ${position.symbol} position is for the other side`,
    { symbol: position.symbol },
  );
}
