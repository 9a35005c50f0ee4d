import { pgTable, text } from 'drizzle-orm/pg-core';
import { money, timestamptz } from '../columns.ts';

/**
 * The paper account's balance per asset (total, including what open orders hold). The cash
 * asset's row is created with the starting cash on first use and doubles as the account lock:
 * every write to the paper account first selects it `FOR UPDATE`.
 */
export const paperBalances = pgTable('paper_balances', {
  /** Asset code, e.g. `USD`, `BTC`. */
  asset: text('asset').primaryKey(),
  /** May go negative on margin (borrowed cash, a short). */
  total: money('total').notNull(),
  updatedAt: timestamptz('updated_at').notNull(),
});

export type PaperBalanceRow = typeof paperBalances.$inferSelect;
