import { TriplegainError } from '../shared/triplegain-error.ts';
import type { Candle } from '../model/candle.ts';
import { timeframeMs } from './timeframes.ts';

export interface FillGapsOptions {
  /**
   * Also fill after the last candle, up to and including the bar that opens at this time
   * (a quiet market at the end of the series). Default: stop at the last candle.
   */
  throughOpenTimeMs?: number;
}

/**
 * Fills missing bars the way Kraken's REST OHLC endpoint does: a bar without trades opens,
 * closes, highs and lows at the previous bar's close, with volume 0, 0 trades, and is
 * flagged `gapFilled`. Nothing is filled before the first candle (there is no previous
 * close). Pure: returns a new array and leaves the input alone.
 *
 * @param candles one symbol and timeframe, oldest first, open times aligned to the
 *   timeframe and strictly increasing.
 * @throws TriplegainError `DATA_INVALID` when the input mixes symbols or timeframes, or is
 *   not strictly increasing on the timeframe's grid.
 */
export function fillGaps(candles: readonly Candle[], opts: FillGapsOptions = {}): Candle[] {
  const first = candles[0];
  if (!first) return [];
  const step = timeframeMs(first.timeframe);
  const filled: Candle[] = [];
  let previous: Candle | undefined;
  for (const candle of candles) {
    if (candle.symbol !== first.symbol || candle.timeframe !== first.timeframe) {
      throw new TriplegainError(
        'DATA_INVALID',
        `cannot fill gaps across series: ${first.symbol} ${first.timeframe} and ${candle.symbol} ${candle.timeframe}`,
      );
    }
    if (candle.openTimeMs % step !== 0) {
      throw new TriplegainError(
        'DATA_INVALID',
        `${candle.symbol} bar at ${candle.openTimeMs} is not aligned to ${candle.timeframe}`,
      );
    }
    if (previous) {
      if (candle.openTimeMs <= previous.openTimeMs) {
        throw new TriplegainError(
          'DATA_INVALID',
          `${candle.symbol} bars out of order: ${candle.openTimeMs} after ${previous.openTimeMs}`,
        );
      }
      pushFillers(filled, previous, candle.openTimeMs - step, step);
    }
    filled.push(candle);
    previous = candle;
  }
  if (previous && opts.throughOpenTimeMs !== undefined) pushFillers(filled, previous, opts.throughOpenTimeMs, step);
  return filled;
}

/** Appends zero-volume bars at `previous.close` for every slot after `previous` through `lastOpenTimeMs`. */
function pushFillers(out: Candle[], previous: Candle, lastOpenTimeMs: number, step: number): void {
  for (let t = previous.openTimeMs + step; t <= lastOpenTimeMs; t += step) {
    out.push({
      symbol: previous.symbol,
      timeframe: previous.timeframe,
      openTimeMs: t,
      open: previous.close,
      high: previous.close,
      low: previous.close,
      close: previous.close,
      volume: '0',
      trades: 0,
      gapFilled: true,
    });
  }
}
