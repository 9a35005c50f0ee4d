import { integer, jsonb, pgTable, text } from 'drizzle-orm/pg-core';
import { timestamptz } from '../columns.ts';

/**
 * The risk engine's state per account (peak equity, period P&L baselines, consecutive losses,
 * trading state, breakers), as the `RiskState` schema; updated in the same transaction as
 * each risk decision, with the row locked, so replicas take turns.
 */
export const riskState = pgTable('risk_state', {
  /** The account: `paper` or `kraken`. */
  account: text('account').primaryKey(),
  state: jsonb('state').$type<Record<string, unknown>>().notNull(),
  /** Increases with every write. */
  version: integer('version').notNull(),
  /** The control plane's `resets` count last applied: a higher count clears the breakers. */
  resetsApplied: integer('resets_applied').notNull().default(0),
  updatedAt: timestamptz('updated_at').notNull().defaultNow(),
});

export type RiskStateRow = typeof riskState.$inferSelect;
