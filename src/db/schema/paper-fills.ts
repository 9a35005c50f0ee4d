import { index, pgTable, text, uniqueIndex } from 'drizzle-orm/pg-core';
import type { Side } from '../../model/side.ts';
import { money, quantity, timestamptz } from '../columns.ts';

/** Every fill of the paper exchange, one per order and bar at most. */
export const paperFills = pgTable(
  'paper_fills',
  {
    /** Kraken-style trade id, e.g. `TCCCTY-WE4YG-KCPYZO`. */
    fillId: text('fill_id').primaryKey(),
    exchangeOrderId: text('exchange_order_id').notNull(),
    clientOrderId: text('client_order_id').notNull(),
    symbol: text('symbol').notNull(),
    side: text('side').$type<Side>().notNull(),
    quantity: quantity('quantity').notNull(),
    price: money('price').notNull(),
    /** maker or taker. */
    liquidity: text('liquidity').notNull(),
    feeUsd: money('fee_usd').notNull(),
    /** Open time of the bar the fill happened in. */
    barOpenTime: timestamptz('bar_open_time').notNull(),
    filledAt: timestamptz('filled_at').notNull(),
  },
  (t) => [
    // An order fills at most once per bar, whatever the callers do (second guard after the row locks).
    uniqueIndex('paper_fills_order_bar_key').on(t.exchangeOrderId, t.barOpenTime),
    // Serves "fills since" for reports.
    index('paper_fills_filled_at_idx').on(t.filledAt),
  ],
);

export type PaperFillRow = typeof paperFills.$inferSelect;
