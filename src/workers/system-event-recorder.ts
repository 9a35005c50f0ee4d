import type { Bus } from '../bus/bus.ts';
import type { PayloadOf, TypesOfTopic } from '../bus/message-catalog.ts';
import type { Subscription } from '../bus/subscription.ts';
import { appendSystemEvent } from '../db/append-system-event.ts';
import type { Db } from '../db/open-database.ts';
import type { Severity } from '../model/severity.ts';
import { runOnce } from '../db/run-once.ts';
import { describeDegradationChange } from '../degradation/describe-degradation-change.ts';

export const SYSTEM_EVENT_RECORDER = 'event-log';

type SystemEventType = TypesOfTopic<'system_events'>;

/** What one message says in the table, besides source, correlation id, time and message id. */
interface RecordedEvent {
  type: string;
  severity: Severity;
  message: string;
  details: Record<string, unknown>;
}

/** One entry per `system_events` message type: a type added to the topic without one does not compile. */
const recordedEvent: { [T in SystemEventType]: (payload: PayloadOf<T>, type: T) => RecordedEvent } = {
  'system.alert_raised': (p) => ({ type: p.code, severity: p.severity, message: p.message, details: p.details }),
  'system.degradation_changed': (p, type) => ({ type, ...describeDegradationChange(p), details: { ...p } }),
  'coordinator.state_changed': (p, type) => ({
    type,
    severity: p.to === 'HALTED' ? 'critical' : p.to === 'PAUSED' ? 'warning' : 'info',
    message: `trading ${p.from} → ${p.to} (${p.command} by ${p.requestedBy}${p.reason ? `: ${p.reason}` : ''})`,
    details: { ...p },
  }),
};

function toRecordedEvent<T extends SystemEventType>(type: T, payload: PayloadOf<T>): RecordedEvent {
  return recordedEvent[type](payload, type);
}

/**
 * Copies every `system_events` message into the append-only `system_events` table: an alert
 * under its own code, any other message under its message type. The insert and its
 * processed-message marker share one transaction, so a redelivered message is recorded once.
 */
export async function startSystemEventRecorder(deps: { bus: Bus; db: Db }): Promise<Subscription<'system_events'>> {
  return deps.bus.subscribe({
    topic: 'system_events',
    service: SYSTEM_EVENT_RECORDER,
    handler: async (message) => {
      const event = toRecordedEvent(message.type, message.payload);
      await runOnce(deps.db, SYSTEM_EVENT_RECORDER, message.id, (tx) =>
        appendSystemEvent(tx, {
          type: event.type,
          severity: event.severity,
          source: message.source,
          correlationId: message.correlationId,
          message: event.message,
          details: { ...event.details, messageId: message.id, symbol: message.symbol || undefined },
          occurredAt: new Date(message.tsMs),
        }),
      );
    },
  });
}
