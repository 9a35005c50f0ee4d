import { index, pgTable, text } from 'drizzle-orm/pg-core';
import type { Side } from '../../model/side.ts';
import { money, quantity, timestamptz } from '../columns.ts';

/**
 * Every execution of every order, once: the fill id is the primary key, so a fill reported
 * twice (a redelivered update, a repeated reconciliation) is stored once. Written with the
 * order's `fill`/`partial_fill` event, in the same transaction.
 */
export const fills = pgTable(
  'fills',
  {
    /** The exchange's trade id, or `<exchange order id>:<cumulative filled quantity>` when derived from an order's totals. */
    fillId: text('fill_id').primaryKey(),
    clientOrderId: text('client_order_id').notNull(),
    exchangeOrderId: text('exchange_order_id'),
    symbol: text('symbol').notNull(),
    /** buy or sell. */
    side: text('side').$type<Side>().notNull(),
    /** Base-asset units. */
    quantity: quantity('quantity').notNull(),
    price: money('price').notNull(),
    feeUsd: money('fee_usd').notNull(),
    filledAt: timestamptz('filled_at').notNull(),
  },
  (t) => [
    // Serves "the fills of an order" (positions, explain).
    index('fills_client_order_id_idx').on(t.clientOrderId),
  ],
);

export type FillRow = typeof fills.$inferSelect;
