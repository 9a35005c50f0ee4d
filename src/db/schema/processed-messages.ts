import { pgTable, primaryKey, text } from 'drizzle-orm/pg-core';
import { timestamptz } from '../columns.ts';

/**
 * Bus messages whose database side effect already happened, per consumer. `runOnce` inserts
 * the marker in the same transaction as the side effect, so a redelivered message (the bus is
 * at-least-once) changes the database exactly once.
 */
export const processedMessages = pgTable(
  'processed_messages',
  {
    /** The consuming service or handler, e.g. `event-log`. */
    consumer: text('consumer').notNull(),
    /** The bus message id (uuid from the envelope). */
    messageId: text('message_id').notNull(),
    processedAt: timestamptz('processed_at').notNull().defaultNow(),
  },
  // Serves runOnce's INSERT … ON CONFLICT (consumer, message_id) DO NOTHING.
  (t) => [primaryKey({ name: 'processed_messages_pkey', columns: [t.consumer, t.messageId] })],
);

export type ProcessedMessageRow = typeof processedMessages.$inferSelect;
