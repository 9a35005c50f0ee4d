import { sql } from 'drizzle-orm';
import { bigint, check, index, pgTable, text, uniqueIndex } from 'drizzle-orm/pg-core';
import { money, timestamptz } from '../columns.ts';

/** What an approval holds until its order is done: cash for a spot buy, a position's quantity for an exit. */
export const reservationKinds = ['cash', 'exit'] as const;
export type ReservationKind = (typeof reservationKinds)[number];

/**
 * What approvals hold for the orders they will become. Written in the same transaction as the
 * approval (the risk-state row locked), released in the same transaction as the order's
 * terminal event (filled, canceled, expired, rejected, denied), so two approvals decided at
 * the same moment never spend the same cash or exit the same quantity twice.
 */
export const orderReservations = pgTable(
  'order_reservations',
  {
    /** The approval (`risk_decisions.decision_id`); one reservation per approval. */
    decisionId: text('decision_id').primaryKey(),
    /** The order the approval becomes (`clientOrderIdOf(proposal, purpose)`), known before it exists. */
    clientOrderId: text('client_order_id').notNull(),
    /** `paper` or `kraken`. */
    account: text('account').notNull(),
    symbol: text('symbol').notNull(),
    kind: text('kind', { enum: reservationKinds }).notNull(),
    /** cash: the approved notional in the cash asset; exit: the base quantity approved to leave the position. */
    amount: money('amount').notNull(),
    /** The position an exit reduces; null for cash. */
    positionId: bigint('position_id', { mode: 'number' }),
    createdAt: timestamptz('created_at').notNull().defaultNow(),
    /** Null while held. */
    releasedAt: timestamptz('released_at'),
    /** The order's terminal status, or why it was released without one. */
    releaseReason: text('release_reason'),
  },
  (t) => [
    // One exit in flight per position: a second exit approval finds the first and is denied.
    uniqueIndex('order_reservations_one_exit_key')
      .on(t.positionId)
      .where(sql`${t.kind} = 'exit' AND ${t.releasedAt} IS NULL`),
    // Serves the risk engine's read of what is held (`heldReservations`): the few unreleased rows.
    index('order_reservations_held_idx')
      .on(t.account)
      .where(sql`${t.releasedAt} IS NULL`),
    // Serves the release in the order's terminal transaction.
    index('order_reservations_client_order_id_idx').on(t.clientOrderId),
    check(
      'order_reservations_valid',
      sql`${t.amount} > 0 AND ${t.kind} IN ('cash', 'exit') AND (${t.kind} = 'cash') = (${t.positionId} IS NULL)`,
    ),
  ],
);

export type OrderReservationRow = typeof orderReservations.$inferSelect;
