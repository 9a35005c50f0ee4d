import { sql } from 'drizzle-orm';
import { bigserial, boolean, check, integer, pgTable, text, uniqueIndex } from 'drizzle-orm/pg-core';
import { money, quantity, timestamptz } from '../columns.ts';

/** OHLCV bars per symbol and timeframe, as received from the exchange (or replayed). */
export const candles = pgTable(
  'candles',
  {
    id: bigserial('id', { mode: 'number' }).primaryKey(),
    /** Exchange pair, e.g. `BTC/USD`. */
    symbol: text('symbol').notNull(),
    /** Bar length, e.g. `1m`, `1h`, `1d`. */
    timeframe: text('timeframe').notNull(),
    /** Start of the bar. */
    openTime: timestamptz('open_time').notNull(),
    open: money('open').notNull(),
    high: money('high').notNull(),
    low: money('low').notNull(),
    close: money('close').notNull(),
    /** Traded volume in units of the base asset. */
    volume: quantity('volume').notNull(),
    /** Number of trades in the bar. */
    trades: integer('trades').notNull().default(0),
    /** A bar with no trades that Kraken fills in at the previous close (OHLC all equal, volume 0). */
    gapFilled: boolean('gap_filled').notNull().default(false),
    /** Where the bar came from, e.g. `kraken`, `kraken-ws`, `replay`. */
    source: text('source').notNull(),
  },
  (t) => [
    // Serves "the last N bars of a symbol and timeframe" (WHERE symbol = $1 AND timeframe = $2
    // ORDER BY open_time DESC LIMIT $3, scanned backwards) and the ingest upsert
    // (INSERT … ON CONFLICT (symbol, timeframe, open_time)). One bar per slot.
    uniqueIndex('candles_symbol_timeframe_open_time_key').on(t.symbol, t.timeframe, t.openTime),
    check('candles_high_not_below_low', sql`${t.high} >= ${t.low}`),
    check('candles_volume_not_negative', sql`${t.volume} >= 0`),
    check('candles_trades_not_negative', sql`${t.trades} >= 0`),
  ],
);

export type CandleRow = typeof candles.$inferSelect;
export type NewCandleRow = typeof candles.$inferInsert;
