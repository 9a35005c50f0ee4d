import { desc, eq } from 'drizzle-orm';
import type { z } from 'zod';
import type { Db } from './open-database.ts';
import { systemEvents } from './schema/system-events.ts';

/**
 * The payload of the last `system_events` row recorded for a bus message type, as that
 * message's schema parses it, and when it occurred; null when none is recorded or the row does
 * not parse. (The recorder stores the payload with the message id and symbol added; they are
 * left out.)
 */
export async function lastRecordedPayload<P extends z.ZodType>(
  db: Db,
  message: { type: string; payload: P },
): Promise<{ payload: z.output<P>; occurredAtMs: number } | null> {
  const [row] = await db
    .select()
    .from(systemEvents)
    .where(eq(systemEvents.type, message.type))
    .orderBy(desc(systemEvents.occurredAt), desc(systemEvents.id))
    .limit(1);
  if (!row) return null;
  const { messageId: _messageId, symbol: _symbol, ...recorded } = row.details;
  const parsed = message.payload.safeParse(recorded);
  return parsed.success ? { payload: parsed.data, occurredAtMs: row.occurredAt.getTime() } : null;
}
