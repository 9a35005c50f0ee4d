import { pgTable, text } from 'drizzle-orm/pg-core';
import { money, timestamptz } from '../columns.ts';

/**
 * The last price the paper exchange saw per symbol (the close of the latest bar passed to
 * `onPrice`): what a market order holds cash at when it is placed.
 */
export const paperPrices = pgTable('paper_prices', {
  symbol: text('symbol').primaryKey(),
  price: money('price').notNull(),
  barOpenTime: timestamptz('bar_open_time').notNull(),
  updatedAt: timestamptz('updated_at').notNull(),
});

export type PaperPriceRow = typeof paperPrices.$inferSelect;
