import { bigserial, jsonb, pgTable, text, uniqueIndex } from 'drizzle-orm/pg-core';
import { money, timestamptz } from '../columns.ts';

/**
 * Equity, exposure and P&L of the account, one row per slot of `portfolio.snapshotIntervalMs`
 * (`at` is the slot's start, market time in replay): the latest valuation taken in the slot.
 */
export const portfolioSnapshots = pgTable(
  'portfolio_snapshots',
  {
    id: bigserial('id', { mode: 'number' }).primaryKey(),
    account: text('account').notNull(),
    at: timestamptz('at').notNull(),
    equityUsd: money('equity_usd').notNull(),
    cashUsd: money('cash_usd').notNull(),
    exposureUsd: money('exposure_usd').notNull(),
    unrealizedPnlUsd: money('unrealized_pnl_usd').notNull(),
    realizedPnlUsd: money('realized_pnl_usd').notNull(),
    feesUsd: money('fees_usd').notNull(),
    positions: jsonb('positions').$type<unknown[]>().notNull(),
  },
  // One row per account and slot (the upsert's target); serves the equity curve and the latest snapshot.
  (t) => [uniqueIndex('portfolio_snapshots_account_at_key').on(t.account, t.at)],
);

export type PortfolioSnapshotRow = typeof portfolioSnapshots.$inferSelect;
