import { bigserial, index, jsonb, pgTable, text } from 'drizzle-orm/pg-core';
import { money, timestamptz } from '../columns.ts';

/** Equity, exposure and P&L of the account at an instant (market time in replay). */
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
  // Serves the equity curve and the latest snapshot of an account.
  (t) => [index('portfolio_snapshots_account_at_idx').on(t.account, t.at)],
);

export type PortfolioSnapshotRow = typeof portfolioSnapshots.$inferSelect;
