import { and, asc, desc, eq, lte } from 'drizzle-orm';
import { z } from 'zod';
import type { Db } from '../db/open-database.ts';
import { candles, type CandleRow } from '../db/schema/candles.ts';
import { Candle } from '../model/candle.ts';
import type { Timeframe } from '../model/timeframe.ts';

/** Where stored bars came from (`candles.source`). */
export const CandleSource = z.enum(['kraken', 'kraken-ws', 'replay', 'import']);
export type CandleSource = z.infer<typeof CandleSource>;

/** Rows per INSERT: 10 parameters a row stays far below PostgreSQL's 65 535. */
const CHUNK = 1_000;

/**
 * Stores bars, ignoring any already stored for the same (symbol, timeframe, open time): a
 * bar is final once closed, so the first copy wins. All or nothing (one transaction).
 *
 * @returns how many bars were new.
 * @throws ZodError for a bar that does not pass the `Candle` schema (nothing is stored).
 */
export async function saveCandles(db: Db, bars: readonly Candle[], source: CandleSource): Promise<number> {
  const rows = bars.map((bar) => toRow(Candle.parse(bar), CandleSource.parse(source)));
  if (rows.length === 0) return 0;
  return db.transaction(async (tx) => {
    let inserted = 0;
    for (let i = 0; i < rows.length; i += CHUNK) {
      const written = await tx
        .insert(candles)
        .values(rows.slice(i, i + CHUNK))
        .onConflictDoNothing({ target: [candles.symbol, candles.timeframe, candles.openTime] })
        .returning({ id: candles.id });
      inserted += written.length;
    }
    return inserted;
  });
}

/**
 * The last `count` stored bars of a symbol and timeframe, oldest first; with `untilMs`, the
 * last ones opening at or before it. Prices and volumes come back in canonical form
 * (`"105944.20000"` is read as `"105944.2"`, `"0.00000000"` as `"0"`).
 */
export async function loadRecentCandles(
  db: Db,
  symbol: string,
  timeframe: Timeframe,
  count: number,
  untilMs?: number,
): Promise<Candle[]> {
  if (!Number.isInteger(count) || count < 0) throw new RangeError(`count must be a whole number ≥ 0, got ${count}`);
  if (count === 0) return [];
  const ofPair = and(eq(candles.symbol, symbol), eq(candles.timeframe, timeframe));
  const rows = await db
    .select()
    .from(candles)
    .where(untilMs === undefined ? ofPair : and(ofPair, lte(candles.openTime, new Date(untilMs))))
    .orderBy(desc(candles.openTime))
    .limit(count);
  return rows.reverse().map(candleOfRow);
}

/** Every stored bar of a symbol and timeframe, oldest first, in canonical form. */
export async function loadStoredCandles(db: Db, symbol: string, timeframe: Timeframe): Promise<Candle[]> {
  const rows = await db
    .select()
    .from(candles)
    .where(and(eq(candles.symbol, symbol), eq(candles.timeframe, timeframe)))
    .orderBy(asc(candles.openTime));
  return rows.map(candleOfRow);
}

function toRow(bar: Candle, source: CandleSource) {
  return {
    symbol: bar.symbol,
    timeframe: bar.timeframe,
    openTime: new Date(bar.openTimeMs),
    open: bar.open,
    high: bar.high,
    low: bar.low,
    close: bar.close,
    volume: bar.volume,
    trades: bar.trades,
    gapFilled: bar.gapFilled,
    source,
  };
}

/** A stored bar as a `Candle`, prices and volume in canonical form. */
export function candleOfRow(row: CandleRow): Candle {
  return Candle.parse({
    symbol: row.symbol,
    timeframe: row.timeframe,
    openTimeMs: row.openTime.getTime(),
    open: row.open,
    high: row.high,
    low: row.low,
    close: row.close,
    volume: row.volume,
    trades: row.trades,
    gapFilled: row.gapFilled,
  });
}
