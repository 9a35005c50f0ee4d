import { boolean, doublePrecision, index, jsonb, pgTable, text } from 'drizzle-orm/pg-core';
import { money, quantity, timestamptz } from '../columns.ts';

/**
 * Every decision of the trading panel: one row per symbol and analysed bar (the signal id is
 * derived from both, so a retried or repeated decision on the same bar stores nothing new),
 * with every vote, abstention and reasoning.
 */
export const tradingSignals = pgTable(
  'trading_signals',
  {
    signalId: text('signal_id').primaryKey(),
    symbol: text('symbol').notNull(),
    timeframe: text('timeframe').notNull(),
    /** The bar the decision was taken on (the TA child's bar). */
    candleOpenTime: timestamptz('candle_open_time').notNull(),
    /** BUY, SELL, HOLD or CLOSE. */
    action: text('action').notNull(),
    /** 0–1: a score, not an amount. */
    confidence: doublePrecision('confidence').notNull(),
    /** Share of the confidence-weighted votes behind `action`, 0–1. */
    agreement: doublePrecision('agreement').notNull(),
    entryPrice: money('entry_price'),
    stopLoss: money('stop_loss'),
    takeProfit: money('take_profit'),
    /** Share of equity to commit, percent. */
    sizePct: quantity('size_pct').notNull(),
    leverage: quantity('leverage').notNull(),
    votes: jsonb('votes').$type<unknown[]>().notNull(),
    abstentions: jsonb('abstentions').$type<unknown[]>().notNull(),
    reasons: jsonb('reasons').$type<unknown[]>().notNull(),
    /** Whether a sentiment score was among the inputs. */
    withSentiment: boolean('with_sentiment').notNull(),
    /** The degradation level the decision was taken at. */
    degradationLevel: text('degradation_level').notNull(),
    correlationId: text('correlation_id').notNull(),
    createdAt: timestamptz('created_at').notNull().defaultNow(),
    /** Set once `decision.signal_emitted` is on the bus; null means publish (again). */
    publishedAt: timestamptz('published_at'),
  },
  (t) => [
    // Serves "the latest signals of a symbol" (status, explain).
    index('trading_signals_symbol_candle_idx').on(t.symbol, t.candleOpenTime),
    // Serves `triplegain explain <id>`: everything of one correlation chain.
    index('trading_signals_correlation_id_idx').on(t.correlationId),
  ],
);

export type TradingSignalRow = typeof tradingSignals.$inferSelect;
export type NewTradingSignalRow = typeof tradingSignals.$inferInsert;
