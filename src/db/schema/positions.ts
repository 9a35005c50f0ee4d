import { sql } from 'drizzle-orm';
import { bigserial, check, index, jsonb, pgTable, text, uniqueIndex } from 'drizzle-orm/pg-core';
import { money, quantity, timestamptz } from '../columns.ts';

/**
 * Positions built from fills, one row per position from open to close. At most one open
 * position per account and symbol (net); a closed row keeps its realized P&L for reports.
 */
export const positions = pgTable(
  'positions',
  {
    id: bigserial('id', { mode: 'number' }).primaryKey(),
    /** `paper` or `kraken`. */
    account: text('account').notNull(),
    symbol: text('symbol').notNull(),
    /** open or closed. */
    status: text('status').notNull(),
    /** long or short. */
    side: text('side').notNull(),
    quantity: quantity('quantity').notNull(),
    avgEntryPrice: money('avg_entry_price').notNull(),
    leverage: quantity('leverage').notNull(),
    realizedPnlUsd: money('realized_pnl_usd').notNull(),
    feesUsd: money('fees_usd').notNull(),
    /** Stop loss, take profit and trailing stop (`PositionProtection`). */
    protection: jsonb('protection').$type<Record<string, unknown>>().notNull(),
    openedAt: timestamptz('opened_at').notNull(),
    updatedAt: timestamptz('updated_at').notNull(),
    closedAt: timestamptz('closed_at'),
  },
  (t) => [
    // One open position per account and symbol; serves "the open position of a symbol".
    uniqueIndex('positions_open_symbol_key')
      .on(t.account, t.symbol)
      .where(sql`status = 'open'`),
    // Serves reports: positions closed in a period.
    index('positions_account_closed_at_idx').on(t.account, t.closedAt),
    // Backstop for the domain's schema (`Position`): no position of zero or negative size or leverage.
    check(
      'positions_valid',
      sql`${t.quantity} > 0 AND ${t.leverage} >= 1 AND ${t.avgEntryPrice} > 0 AND ${t.side} IN ('long', 'short') AND ${t.status} IN ('open', 'closed')`,
    ),
  ],
);

export type PositionRow = typeof positions.$inferSelect;
