import { TriplegainError } from '../../shared/triplegain-error.ts';

/**
 * One OHLCV bar as the analysis agents read it. Structural on purpose: a stored candle row,
 * a `market.candle_closed` payload plus its symbol, or a test fixture all fit.
 */
export interface TaCandle {
  /** Exchange pair, e.g. `BTC/USD`. */
  symbol: string;
  /** Bar length, e.g. `1h`. */
  timeframe: string;
  /** Start of the bar, epoch milliseconds. */
  openTimeMs: number;
  open: string;
  high: string;
  low: string;
  close: string;
  /** Traded volume in units of the base asset. */
  volume: string;
  trades: number;
  /** A bar with no trades that repeats the previous close with zero volume. */
  gapFilled: boolean;
}

/** One bar as numbers, the input of the indicator library. */
export interface NumericBar {
  high: number;
  low: number;
  close: number;
  volume: number;
}

/** A checked candle series, oldest bar first. */
export interface CandleSeries {
  symbol: string;
  timeframe: string;
  /** Open time of the newest bar: the bar the analysis speaks for. */
  lastOpenTimeMs: number;
  bars: NumericBar[];
}

/**
 * Converts candles (oldest first) to numbers for the indicator library. Indicators are
 * statistics, so floats are fine here; prices leave the analysis as decimal strings again.
 * Gap-filled bars stay in: they are real time slots in which the price did not move.
 *
 * @throws TriplegainError `MESSAGE_INVALID` when the candles mix symbols or timeframes, are
 *   not in strictly ascending open time, or hold a value that is not a finite number.
 */
export function toCandleSeries(candles: readonly TaCandle[]): CandleSeries {
  const first = candles[0];
  if (first === undefined) throw new TriplegainError('MESSAGE_INVALID', 'no candles given');
  const bars: NumericBar[] = [];
  let previousOpenTimeMs = -Infinity;
  for (const [index, candle] of candles.entries()) {
    const where = { index, symbol: candle.symbol, timeframe: candle.timeframe, openTimeMs: candle.openTimeMs };
    if (candle.symbol !== first.symbol || candle.timeframe !== first.timeframe) {
      throw new TriplegainError(
        'MESSAGE_INVALID',
        `candle ${index} is ${candle.symbol} ${candle.timeframe}, expected ${first.symbol} ${first.timeframe}: one series per analysis`,
        where,
      );
    }
    if (!(candle.openTimeMs > previousOpenTimeMs)) {
      throw new TriplegainError(
        'MESSAGE_INVALID',
        `candle ${index} opens at ${candle.openTimeMs}, not after the previous one (${previousOpenTimeMs}): candles must be oldest first, one per slot`,
        where,
      );
    }
    previousOpenTimeMs = candle.openTimeMs;
    bars.push({
      high: toNumber(candle.high, 'high', where),
      low: toNumber(candle.low, 'low', where),
      close: toNumber(candle.close, 'close', where),
      volume: toNumber(candle.volume, 'volume', where),
    });
  }
  return { symbol: first.symbol, timeframe: first.timeframe, lastOpenTimeMs: previousOpenTimeMs, bars };
}

function toNumber(value: string, field: string, where: Record<string, unknown>): number {
  const n = Number(value);
  if (value.trim() === '' || !Number.isFinite(n)) {
    throw new TriplegainError(
      'MESSAGE_INVALID',
      `candle ${String(where.index)} has ${field} "${value}", expected a decimal string`,
      { ...where, field },
    );
  }
  return n;
}
