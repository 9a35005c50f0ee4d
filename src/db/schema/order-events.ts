import { bigserial, index, jsonb, pgTable, text } from 'drizzle-orm/pg-core';
import type { OrderEventKind } from '../../orders/order-event.ts';
import type { OrderStatus } from '../../model/order-status.ts';
import { timestamptz } from '../columns.ts';

/**
 * Every event of every order, with the status it moved the order from and to; written in the
 * same transaction as the `orders` row it changes. Append-only by convention: only the order
 * store writes here, and it only inserts (no trigger enforces it, unlike `system_events`).
 */
export const orderEvents = pgTable(
  'order_events',
  {
    id: bigserial('id', { mode: 'number' }).primaryKey(),
    clientOrderId: text('client_order_id').notNull(),
    /** `OrderEventKind`. */
    kind: text('kind').$type<OrderEventKind>().notNull(),
    /** Null for the birth events (`created`, `adopted`). */
    fromStatus: text('from_status').$type<OrderStatus>(),
    toStatus: text('to_status').$type<OrderStatus>().notNull(),
    /** The event's own fields: the fill, the exchange order id, the reason. */
    payload: jsonb('payload').$type<Record<string, unknown>>().notNull(),
    occurredAt: timestamptz('occurred_at').notNull().defaultNow(),
  },
  (t) => [
    // Serves `loadOrderEvents` and explain: one order's history in order.
    index('order_events_client_order_id_idx').on(t.clientOrderId, t.id),
  ],
);

export type OrderEventRow = typeof orderEvents.$inferSelect;
