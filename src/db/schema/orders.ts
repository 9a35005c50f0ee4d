import { sql } from 'drizzle-orm';
import { boolean, check, index, pgTable, text, uniqueIndex } from 'drizzle-orm/pg-core';
import { orderCauses } from '../../model/order-cause.ts';
import { orderStatuses, reconcilableOrderStatuses } from '../../model/order-status.ts';
import type { Side } from '../../model/side.ts';
import { money, quantity, timestamptz } from '../columns.ts';

const sqlList = (values: readonly string[]) => sql.raw(values.map((v) => `'${v}'`).join(', '));

/**
 * One row per order, ours or adopted, holding its current state; every change is an event in
 * `order_events`, written in the same transaction (`src/orders/order-store.ts`). The row is
 * written before the order is sent, so a crash at any point leaves something to reconcile.
 */
export const orders = pgTable(
  'orders',
  {
    /** `clientOrderIdOf(proposal, purpose)`, sent as Kraken's `cl_ord_id`; `adopted-<exchange id>` for an adopted order without one. */
    clientOrderId: text('client_order_id').primaryKey(),
    /** Set once the exchange has acknowledged (or reconciliation found) the order. */
    exchangeOrderId: text('exchange_order_id'),
    /** The approval carried out (`risk_decisions.decision_id`); null for adopted and operator orders. */
    decisionId: text('decision_id'),
    proposalId: text('proposal_id'),
    /** Null for adopted orders: no decision chain led to them. */
    correlationId: text('correlation_id'),
    symbol: text('symbol').notNull(),
    /** buy or sell. */
    side: text('side').$type<Side>().notNull(),
    /** market, limit, stop-loss, take-profit. */
    type: text('type').notNull(),
    /** entry, exit or protective (`OrderIntent`); null for adopted orders. */
    intent: text('intent'),
    /** entry, exit, stop_loss, take_profit, rebalance, flatten or adopted (`OrderPurpose`). */
    purpose: text('purpose').notNull(),
    /** Base-asset units ordered. */
    quantity: quantity('quantity').notNull(),
    filledQuantity: quantity('filled_quantity').notNull().default('0'),
    /** Volume-weighted over the fills; null before the first. */
    avgFillPrice: money('avg_fill_price'),
    limitPrice: money('limit_price'),
    triggerPrice: money('trigger_price'),
    leverage: quantity('leverage').notNull().default('1'),
    reduceOnly: boolean('reduce_only').notNull().default(false),
    /** Why the order exists (`OrderCause`): an approval, or the automatic action that placed it. */
    cause: text('cause', { enum: orderCauses }).notNull(),
    /** Sum of the fills' fees, in the quote (cash) asset. */
    feeUsd: money('fee_usd').notNull().default('0'),
    status: text('status', { enum: orderStatuses }).notNull(),
    /** paper or kraken. */
    exchange: text('exchange').notNull(),
    createdAt: timestamptz('created_at').notNull().defaultNow(),
    updatedAt: timestamptz('updated_at').notNull().defaultNow(),
    /**
     * Wall time of the last status change, by the database's clock, whatever the replay speed
     * (`created_at` and `updated_at` are market time). Reconciliation's not-found window
     * counts from it: it guards against the exchange, so it runs on the exchange's time.
     */
    statusChangedAt: timestamptz('status_changed_at')
      .notNull()
      .default(sql`clock_timestamp()`),
  },
  (t) => [
    // One row per exchange order: adoption finds an order it has already recorded. Nulls (not yet sent) do not collide.
    uniqueIndex('orders_exchange_order_id_key').on(t.exchange, t.exchangeOrderId),
    // Serves reconciliation (`ordersToReconcile`): the few orders in flight or open, never the history.
    index('orders_reconcile_idx')
      .on(t.status)
      .where(sql`${t.status} IN (${sqlList(reconcilableOrderStatuses)})`),
    // Serves `triplegain explain <id>`: the orders of one correlation chain.
    index('orders_correlation_id_idx').on(t.correlationId),
    // Serves the orphaned-approval pass: does this approval have an order?
    index('orders_decision_id_idx').on(t.decisionId),
    // Serves "the latest orders of a symbol" (status, dashboard).
    index('orders_symbol_created_at_idx').on(t.symbol, t.createdAt),
    check('orders_status_valid', sql`${t.status} IN (${sqlList(orderStatuses)})`),
    check('orders_cause_valid', sql`${t.cause} IN (${sqlList(orderCauses)})`),
    // Backstop for the store's check: fills never exceed the ordered quantity.
    check(
      'orders_filled_within_quantity',
      sql`${t.quantity} > 0 AND ${t.filledQuantity} >= 0 AND ${t.filledQuantity} <= ${t.quantity}`,
    ),
  ],
);

export type OrderRow = typeof orders.$inferSelect;
export type NewOrderRow = typeof orders.$inferInsert;
