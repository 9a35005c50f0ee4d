import type { Bus } from '../bus/bus.ts';
import type { Subscription } from '../bus/subscription.ts';
import { appendSystemEvent } from '../db/append-system-event.ts';
import type { Db } from '../db/open-database.ts';
import { runOnce } from '../db/run-once.ts';

export const SYSTEM_EVENT_RECORDER = 'event-log';

/**
 * Copies every `system_events` message into the append-only `system_events` table. The
 * insert and its processed-message marker share one transaction, so a redelivered message is
 * recorded once.
 */
export async function startSystemEventRecorder(deps: { bus: Bus; db: Db }): Promise<Subscription<'system_events'>> {
  return deps.bus.subscribe({
    topic: 'system_events',
    service: SYSTEM_EVENT_RECORDER,
    handler: async (message) => {
      await runOnce(deps.db, SYSTEM_EVENT_RECORDER, message.id, (tx) =>
        appendSystemEvent(tx, {
          type: message.payload.code,
          severity: message.payload.severity,
          source: message.source,
          correlationId: message.correlationId,
          message: message.payload.message,
          details: { ...message.payload.details, messageId: message.id, symbol: message.symbol || undefined },
          occurredAt: new Date(message.tsMs),
        }),
      );
    },
  });
}
