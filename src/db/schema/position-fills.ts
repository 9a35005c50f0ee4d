import { bigint, pgTable, text } from 'drizzle-orm/pg-core';
import { money, timestamptz } from '../columns.ts';

/**
 * Which fills the positions have taken in: a fill is applied to its position exactly once,
 * in the same transaction as this row, so a crash between recording a fill and updating the
 * position is caught up later (fills without a row here), never applied twice.
 */
export const positionFills = pgTable('position_fills', {
  fillId: text('fill_id').primaryKey(),
  positionId: bigint('position_id', { mode: 'number' }),
  /** The P&L this fill realized, for reports. */
  realizedPnlUsd: money('realized_pnl_usd').notNull(),
  appliedAt: timestamptz('applied_at').notNull().defaultNow(),
});
