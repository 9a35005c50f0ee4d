import { Decimal } from '../model/decimal.ts';
import { createReadStream } from 'node:fs';
import { createInterface } from 'node:readline';
import { Readable } from 'node:stream';
import { TradingPair } from '../model/trading-pair.ts';
import { TriplegainError } from '../shared/triplegain-error.ts';
import { describeBarInconsistency, type Candle } from '../model/candle.ts';
import { timeframeMs } from './timeframes.ts';
import { type Timeframe } from '../model/timeframe.ts';

export interface OhlcvtCsvOptions {
  /** Pair the file holds, e.g. `BTC/USD` (the file itself does not say). */
  symbol: string;
  /** Bar length of the file (`kraken_XBTUSD_60.csv` holds `1h` bars). */
  timeframe: Timeframe;
  /** Name used in error messages, e.g. the file path. Default `csv`. */
  source?: string;
}

const COLUMNS = 'time,open,high,low,close,volume,trades';
const UNSIGNED_INTEGER = /^\d+$/;
const UNSIGNED_DECIMAL = /^\d+(\.\d+)?$/;
/** Kraken's exporter writes a few volumes in exponent notation: `1E+1`, `2.228E+4`. */
const UNSIGNED_EXPONENT = /^\d+(\.\d+)?[eE][+-]?\d{1,3}$/;

/** The value as a plain decimal string (`2.228E+4` → `22280`), or undefined when malformed. */
function plainDecimal(value: string): string | undefined {
  if (UNSIGNED_DECIMAL.test(value)) return value;
  if (UNSIGNED_EXPONENT.test(value)) return new Decimal(value).toFixed();
  return undefined;
}

/**
 * Parses Kraken's downloadable OHLCVT format line by line: no header, one bar per line,
 * `time,open,high,low,close,volume,trades`, `time` the bar's open in Unix seconds. Hours
 * without trades are simply missing; gaps are left to `fillGaps`.
 *
 * Streams: memory holds one line at a time besides the candles the caller keeps.
 *
 * @throws TriplegainError `DATA_INVALID` naming the source and 1-based line for a row with
 *   the wrong column count, a malformed number, a negative volume, a time not aligned to the
 *   timeframe or not after the previous row's, low above high, open or close outside
 *   low…high, or an empty line. Numbers in exponent notation (`1E+1`, which Kraken's
 *   exporter writes for some volumes) are converted to plain decimals.
 */
export async function* parseOhlcvtCsv(
  input: string | NodeJS.ReadableStream,
  opts: OhlcvtCsvOptions,
): AsyncGenerator<Candle> {
  const source = opts.source ?? 'csv';
  if (!TradingPair.safeParse(opts.symbol).success) {
    throw new TriplegainError(
      'DATA_INVALID',
      `${source}: invalid symbol "${opts.symbol}", expected a pair such as BTC/USD`,
      { source },
    );
  }
  const barMs = timeframeMs(opts.timeframe);
  const lines = createInterface({
    input: typeof input === 'string' ? Readable.from([input]) : input,
    crlfDelay: Infinity,
  });

  let lineNumber = 0;
  let previousOpenTimeMs = -1;
  try {
    for await (const line of lines) {
      lineNumber += 1;
      const candle = parseOhlcvtRow(line, opts, barMs, previousOpenTimeMs);
      if (typeof candle === 'string') {
        throw new TriplegainError('DATA_INVALID', `${source}:${lineNumber}: ${candle}`, { source, line: lineNumber });
      }
      previousOpenTimeMs = candle.openTimeMs;
      yield candle;
    }
  } finally {
    lines.close();
  }
}

/** One row of Kraken's OHLCVT format as a candle, or what is wrong with it. */
export function parseOhlcvtRow(
  line: string,
  opts: OhlcvtCsvOptions,
  barMs: number,
  previousOpenTimeMs: number,
): Candle | string {
  if (line.length === 0) return 'empty line';
  const fields = line.split(',');
  if (fields.length !== 7) return `expected 7 columns (${COLUMNS}), got ${fields.length}`;

  const time = fields[0]!;
  if (!UNSIGNED_INTEGER.test(time)) return `time "${time}" is not a whole number of seconds`;
  const openTimeMs = Number(time) * 1000;
  if (!Number.isSafeInteger(openTimeMs)) return `time ${time} is out of range`;
  if (openTimeMs % barMs !== 0) return `time ${time} is not aligned to ${opts.timeframe} bars`;
  if (openTimeMs <= previousOpenTimeMs)
    return `time ${time} is not after the previous row's ${previousOpenTimeMs / 1000}`;

  const open = plainDecimal(fields[1]!);
  if (open === undefined) return `open "${fields[1]}" is not a non-negative decimal`;
  const high = plainDecimal(fields[2]!);
  if (high === undefined) return `high "${fields[2]}" is not a non-negative decimal`;
  const low = plainDecimal(fields[3]!);
  if (low === undefined) return `low "${fields[3]}" is not a non-negative decimal`;
  const close = plainDecimal(fields[4]!);
  if (close === undefined) return `close "${fields[4]}" is not a non-negative decimal`;
  if (fields[5]!.startsWith('-')) return `negative volume ${fields[5]}`;
  const volume = plainDecimal(fields[5]!);
  if (volume === undefined) return `volume "${fields[5]}" is not a decimal`;
  const trades = fields[6]!;
  if (!UNSIGNED_INTEGER.test(trades) || !Number.isSafeInteger(Number(trades)))
    return `trades "${trades}" is not a whole number`;

  const inconsistency = describeBarInconsistency({ open, high, low, close });
  if (inconsistency) return inconsistency;

  const tradeCount = Number(trades);
  return {
    symbol: opts.symbol,
    timeframe: opts.timeframe,
    openTimeMs,
    open,
    high,
    low,
    close,
    volume,
    trades: tradeCount,
    // The downloads leave out bars without trades, so a 0 here is a bar Kraken filled itself.
    gapFilled: tradeCount === 0,
  };
}

/** Reads a whole OHLCVT file (streamed, validated as `parseOhlcvtCsv` does), oldest bar first. */
export async function readOhlcvtCsvFile(path: string, opts: Omit<OhlcvtCsvOptions, 'source'>): Promise<Candle[]> {
  const candles: Candle[] = [];
  const stream = createReadStream(path, { encoding: 'utf8' });
  try {
    for await (const candle of parseOhlcvtCsv(stream, { ...opts, source: path })) candles.push(candle);
  } catch (err) {
    if ((err as NodeJS.ErrnoException).code === 'ENOENT') {
      throw new TriplegainError('CONFIG_INVALID', `no candle file at ${path}`, { path }, { cause: err });
    }
    throw err;
  } finally {
    stream.destroy();
  }
  return candles;
}
