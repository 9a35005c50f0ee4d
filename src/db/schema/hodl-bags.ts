import { sql } from 'drizzle-orm';
import { check, pgTable, text } from 'drizzle-orm/pg-core';
import { quantity, timestamptz } from '../columns.ts';

/**
 * Hodl bags set at run time: per asset, a quantity the rebalancer never sells (the cash
 * asset's: never spends). Read together with `portfolio.hodlBags` from config, the larger of
 * the two per asset winning (`src/portfolio/hodl-bag-store.ts`).
 */
export const hodlBags = pgTable(
  'hodl_bags',
  {
    /** Asset code, e.g. `BTC`. */
    asset: text('asset').primaryKey(),
    /** Units of the asset kept out of rebalancing. */
    quantity: quantity('quantity').notNull(),
    /** Why it is kept (free text for the operator). */
    note: text('note'),
    updatedAt: timestamptz('updated_at').notNull().defaultNow(),
  },
  (t) => [check('hodl_bags_quantity_non_negative', sql`${t.quantity} >= 0`)],
);

export type HodlBagRow = typeof hodlBags.$inferSelect;
