import { z } from 'zod';
import type { Candle } from '../model/candle.ts';
import type { Timeframe } from '../model/timeframe.ts';
import { TradingPair } from '../model/trading-pair.ts';
import { TriplegainError } from '../shared/triplegain-error.ts';
import { parseOhlcvtRow } from './parse-ohlcvt-csv.ts';
import { timeframeMs } from './timeframes.ts';

/**
 * The candle files `data import` reads:
 * - `kraken`: Kraken's OHLCVT download, `time,open,high,low,close,volume,trades`, no header;
 * - `csv`: `time,open,high,low,close,volume[,trades]`, with or without a header naming them
 *   (`time`, `timestamp`, `date` or `open_time` for the time; `trades` or `count`);
 * - `binance`: Binance klines, `open_time,open,high,low,close,volume,close_time,quote_volume,trades,…`,
 *   with or without a header.
 * Times are Unix seconds or milliseconds (a number of 12 digits or more), or ISO dates (`csv`).
 */
export const CandleFileFormat = z.enum(['kraken', 'csv', 'binance']);
export type CandleFileFormat = z.infer<typeof CandleFileFormat>;

/** Column positions of time, open, high, low, close, volume and trades (trades may be absent). */
type Columns = [number, number, number, number, number, number, number | null];

type Column = 'time' | 'open' | 'high' | 'low' | 'close' | 'volume' | 'trades';

/** Header names a `csv` file may give its columns, lower-cased. */
const HEADER_NAMES: Record<string, Column> = {
  time: 'time',
  timestamp: 'time',
  date: 'time',
  open_time: 'time',
  opentime: 'time',
  open: 'open',
  high: 'high',
  low: 'low',
  close: 'close',
  volume: 'volume',
  trades: 'trades',
  count: 'trades',
  number_of_trades: 'trades',
};

const DEFAULT_COLUMNS: Record<CandleFileFormat, Columns> = {
  kraken: [0, 1, 2, 3, 4, 5, 6],
  csv: [0, 1, 2, 3, 4, 5, 6],
  binance: [0, 1, 2, 3, 4, 5, 8],
};

/** 2100-01-01 in Unix seconds: a later bar means the unit was misread. */
const LATEST_SECONDS = 4_102_444_800;

/** A time field as Unix seconds, or what is wrong with it. */
function unixSeconds(field: string, format: CandleFileFormat): string | { error: string } {
  if (/^\d+$/.test(field)) {
    // 12 to 14 digits: milliseconds; 15 or more: microseconds (Binance's spot files since 2025).
    const [unit, drop] =
      field.length >= 15 ? ['microseconds', 6] : field.length >= 12 ? ['milliseconds', 3] : ['seconds', 0];
    if (drop > 0 && !/^0+$/.test(field.slice(-drop)))
      return { error: `time ${field} (${unit}) is not on a whole second` };
    const seconds = drop > 0 ? field.slice(0, -drop) : field;
    if (Number(seconds) >= LATEST_SECONDS) return { error: `time ${field} read as ${unit} is after 2100` };
    return seconds;
  }
  if (format === 'csv' && /^\d{4}-\d{2}-\d{2}([T ][\d:.]+Z?)?$/.test(field)) {
    const ms = Date.parse(field.includes('T') || field.length === 10 ? field : field.replace(' ', 'T') + 'Z');
    if (!Number.isNaN(ms) && ms % 1000 === 0) return String(ms / 1000);
  }
  return {
    error: `time "${field}" is not Unix seconds, milliseconds or microseconds${format === 'csv' ? ' or an ISO date' : ''}`,
  };
}

/**
 * The candles of a file, oldest first, every row checked (as `parseOhlcvtCsv` checks
 * Kraken's: aligned, increasing, consistent, non-negative).
 *
 * @throws TriplegainError `DATA_INVALID` naming the source, the 1-based line and what is wrong,
 *   for the first bad row: the caller stores nothing of a file with one.
 */
export function parseCandleFile(
  text: string,
  opts: { symbol: string; timeframe: Timeframe; format: CandleFileFormat; source: string },
): Candle[] {
  const { source } = opts;
  const fail = (line: number, message: string) =>
    new TriplegainError('DATA_INVALID', `${source}:${line}: ${message}`, { source, line });
  if (!TradingPair.safeParse(opts.symbol).success)
    throw new TriplegainError('DATA_INVALID', `invalid pair "${opts.symbol}", expected one such as ETH/USD`);
  const lines = text.split(/\r?\n/);
  if (lines.at(-1) === '') lines.pop();
  let columns = DEFAULT_COLUMNS[opts.format];
  let first = 0;
  const header = lines[0]?.split(',').map((h) => h.trim().toLowerCase().replace(/^"|"$/g, ''));
  if (header && !/^\d/.test(header[0] ?? '')) {
    if (opts.format === 'kraken') throw fail(1, 'a Kraken OHLCVT file has no header; use --format csv');
    first = 1;
    if (opts.format === 'csv') {
      const at = (name: Column) => header.findIndex((h) => HEADER_NAMES[h] === name);
      const found = (['time', 'open', 'high', 'low', 'close', 'volume'] as const).map(at);
      const missing = (['time', 'open', 'high', 'low', 'close', 'volume'] as const).filter((_, i) => found[i] === -1);
      if (missing.length > 0) throw fail(1, `the header has no column for ${missing.join(', ')}`);
      const trades = at('trades');
      columns = [...(found as [number, number, number, number, number, number]), trades === -1 ? null : trades];
    }
  }
  const barMs = timeframeMs(opts.timeframe);
  const candles: Candle[] = [];
  let previousOpenTimeMs = -1;
  for (let i = first; i < lines.length; i++) {
    const fields = lines[i]!.split(',').map((f) => f.trim());
    // A CSV without a header may leave out the trades column.
    const optionalTrades = opts.format === 'csv' && first === 0;
    const wanted = Math.max(...columns.slice(0, optionalTrades ? 6 : 7).filter((c): c is number => c !== null)) + 1;
    if (lines[i]!.length === 0) throw fail(i + 1, 'empty line');
    if (fields.length < wanted) throw fail(i + 1, `expected at least ${wanted} columns, got ${fields.length}`);
    if (opts.format === 'kraken' && fields.length !== 7)
      throw fail(
        i + 1,
        `${fields.length} columns: a Kraken OHLCVT row has 7 (time,open,high,low,close,volume,trades); use --format binance or csv`,
      );
    const time = unixSeconds(fields[columns[0]]!, opts.format);
    if (typeof time !== 'string') throw fail(i + 1, time.error);
    const tradesAt = columns[6];
    const trades = tradesAt === null || (optionalTrades && tradesAt >= fields.length) ? '0' : fields[tradesAt]!;
    const row = [time, ...columns.slice(1, 6).map((c) => fields[c!]!), trades];
    const candle = parseOhlcvtRow(row.join(','), opts, barMs, previousOpenTimeMs);
    if (typeof candle === 'string') throw fail(i + 1, candle);
    previousOpenTimeMs = candle.openTimeMs;
    candles.push(candle);
  }
  // Rows that are never one bar apart were written at a larger timeframe than --timeframe says:
  // reading them at it would fill every bar between them with invented quiet bars.
  if (candles.length >= 2) {
    let closest = Number.POSITIVE_INFINITY;
    for (let i = 1; i < candles.length; i++)
      closest = Math.min(closest, candles[i]!.openTimeMs - candles[i - 1]!.openTimeMs);
    if (closest > barMs)
      throw new TriplegainError(
        'DATA_INVALID',
        `${source}: no two rows are one ${opts.timeframe} bar apart (the closest are ${closest / 60_000} minutes apart): is --timeframe right?`,
        { source },
      );
  }
  return candles;
}
