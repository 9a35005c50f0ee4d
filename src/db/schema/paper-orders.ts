import { sql } from 'drizzle-orm';
import { boolean, check, doublePrecision, index, pgTable, text, uniqueIndex } from 'drizzle-orm/pg-core';
import type { Side } from '../../model/side.ts';
import { money, quantity, timestamptz } from '../columns.ts';

/**
 * The paper exchange's orders: one shared, durable paper account for every worker. Rows are
 * only changed while the account is locked (see `src/exchange/paper/paper-account-store.ts`).
 */
export const paperOrders = pgTable(
  'paper_orders',
  {
    /** Kraken-style id, e.g. `OQCLML-BW3P3-BUCMWZ`. */
    exchangeOrderId: text('exchange_order_id').primaryKey(),
    /** Ours, stable across retries; one order per client id. */
    clientOrderId: text('client_order_id').notNull(),
    /** BASE/QUOTE, e.g. `BTC/USD`. */
    symbol: text('symbol').notNull(),
    /** buy or sell. */
    side: text('side').$type<Side>().notNull(),
    /** market, limit, stop-loss or take-profit. */
    type: text('type').notNull(),
    /** open, closed (fully filled) or canceled. */
    status: text('status').notNull(),
    /** Ordered base units. */
    quantity: quantity('quantity').notNull(),
    filledQuantity: quantity('filled_quantity').notNull(),
    /** Σ fill quantity × fill price, quote units: the average fill price is this / filled. */
    filledNotionalUsd: money('filled_notional_usd').notNull(),
    limitPrice: money('limit_price'),
    triggerPrice: money('trigger_price'),
    /** Price per base unit the order holds cash at while open (limit, trigger, or last price ± slippage); null when it holds none by price (spot sells). */
    holdPrice: money('hold_price'),
    /** 1 trades spot; above 1 on margin. */
    leverage: doublePrecision('leverage').notNull(),
    reduceOnly: boolean('reduce_only').notNull(),
    /** A stop-loss or take-profit whose trigger was crossed: the rest trades at market. */
    triggered: boolean('triggered').notNull().default(false),
    /** Fees paid so far, quote units. */
    feeUsd: money('fee_usd').notNull(),
    /** Open time of the last bar the order was matched against with an effect; older and equal bars are skipped. */
    lastBarOpenTime: timestamptz('last_bar_open_time'),
    openedAt: timestamptz('opened_at').notNull(),
    updatedAt: timestamptz('updated_at').notNull(),
    /** When the order left `open` (filled or canceled); null while open. */
    closedAt: timestamptz('closed_at'),
  },
  (t) => [
    // Serves findByClientOrderId and the idempotent placement (same client id → same order).
    uniqueIndex('paper_orders_client_order_id_key').on(t.clientOrderId),
    // Serves onPrice ("open orders of a symbol, oldest first") and openOrders.
    index('paper_orders_open_symbol_idx')
      .on(t.symbol, t.openedAt)
      .where(sql`${t.status} = 'open'`),
    // Serves closedOrders(sinceMs) (WHERE closed_at >= $1).
    index('paper_orders_closed_at_idx').on(t.closedAt),
    check('paper_orders_quantity_positive', sql`${t.quantity} > 0`),
    check(
      'paper_orders_filled_within_quantity',
      sql`${t.filledQuantity} >= 0 AND ${t.filledQuantity} <= ${t.quantity}`,
    ),
    check('paper_orders_status_known', sql`${t.status} IN ('open', 'closed', 'canceled')`),
  ],
);

export type PaperOrderRow = typeof paperOrders.$inferSelect;
export type NewPaperOrderRow = typeof paperOrders.$inferInsert;
