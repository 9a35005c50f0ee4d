import { sql } from 'drizzle-orm';
import { bigserial, check, index, pgTable, text, uniqueIndex } from 'drizzle-orm/pg-core';
import { timestamptz } from '../columns.ts';

/**
 * Headlines and posts supplied for the sentiment agent, per symbol: what it scores. Written by
 * `triplegain sentiment add` and feeds (rss, …); read by the agent for its lookback window.
 */
export const sentimentInputs = pgTable(
  'sentiment_inputs',
  {
    id: bigserial('id', { mode: 'number' }).primaryKey(),
    /** Exchange pair the text is about, e.g. `BTC/USD`. */
    symbol: text('symbol').notNull(),
    /** The headline or post, whitespace collapsed; 1 to 2,000 characters. */
    text: text('text').notNull(),
    /** Where it came from: `cli`, `rss`, … */
    source: text('source').notNull(),
    /** sha256 (hex) of `text`: the same text from the same source is stored once. */
    textHash: text('text_hash').notNull(),
    /** When the source published it; the lookback window is measured on this. */
    publishedAt: timestamptz('published_at').notNull(),
    createdAt: timestamptz('created_at').notNull().defaultNow(),
  },
  (t) => [
    // Serves the insert (INSERT … ON CONFLICT (symbol, source, text_hash) DO NOTHING): a
    // headline added twice, or fetched again by a feed, is stored once.
    uniqueIndex('sentiment_inputs_symbol_source_text_hash_key').on(t.symbol, t.source, t.textHash),
    // Serves the agent's read: WHERE symbol = $1 AND published_at >= $2 AND published_at <= $3
    // ORDER BY published_at DESC LIMIT $4.
    index('sentiment_inputs_symbol_published_at_idx').on(t.symbol, t.publishedAt),
    check('sentiment_inputs_text_length', sql`char_length(${t.text}) BETWEEN 1 AND 2000`),
  ],
);

export type SentimentInputRow = typeof sentimentInputs.$inferSelect;
export type NewSentimentInputRow = typeof sentimentInputs.$inferInsert;
