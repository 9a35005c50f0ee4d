import type { Db, DbTransaction } from './open-database.ts';
import { processedMessages } from './schema/processed-messages.ts';

export interface RunOnceResult<T> {
  /** False when this consumer had already processed the message: `fn` was not called. */
  ran: boolean;
  result?: T;
}

/**
 * Runs `fn` at most once per (consumer, message id), for handlers of an at-least-once bus.
 *
 * The processed-message marker is inserted in the same transaction as `fn`'s writes: if `fn`
 * throws, both roll back and a redelivery runs it again; once committed, a redelivery finds the
 * marker and skips `fn`. Two concurrent deliveries of one message are serialized by the
 * primary key (the second insert waits for the first transaction), so `fn` commits once.
 * `fn` must do its database work through `tx`.
 */
export async function runOnce<T>(
  db: Db,
  consumer: string,
  messageId: string,
  fn: (tx: DbTransaction) => Promise<T>,
): Promise<RunOnceResult<T>> {
  return db.transaction(async (tx) => {
    const marked = await tx
      .insert(processedMessages)
      .values({ consumer, messageId })
      .onConflictDoNothing({ target: [processedMessages.consumer, processedMessages.messageId] })
      .returning({ messageId: processedMessages.messageId });
    if (marked.length === 0) return { ran: false };
    return { ran: true, result: await fn(tx) };
  });
}
