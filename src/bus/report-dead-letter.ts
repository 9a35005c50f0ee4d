import { isRedisUnavailable } from '../redis/is-redis-unavailable.ts';
import { describeError } from '../shared/triplegain-error.ts';
import type { DeadLetterReason } from './dead-letter-store.ts';
import { fieldsToRecord } from './envelope.ts';
import type { SubscriptionDeps } from './subscribe-options.ts';

/** The `system.alert_raised` code of a dead-lettered message. */
export const DEAD_LETTER_ALERT_CODE = 'bus.message_dead_lettered';

export interface DeadLetterSubject {
  topic: string;
  group: string;
  streamId: string;
  dlqId: string;
  reason: DeadLetterReason;
  deliveryCount: number;
  error: string;
  /** The dead message's own fields (flat name/value list). */
  fields: readonly string[];
}

/**
 * Raises a dead-lettered message on `system_events` as `bus.message_dead_lettered` (error), for
 * the operational log and the alerts. Not for a dead message that was itself an alert of the
 * bus: an alerts consumer that keeps failing would otherwise feed on its own dead letters. A
 * failure to publish is logged (once per outage when Redis is down), never thrown into the
 * consumer: the dead letter itself is already stored.
 */
export function reportDeadLetter(
  deps: Pick<SubscriptionDeps, 'logger' | 'outage' | 'publish'>,
  dead: DeadLetterSubject,
): void {
  const own = fieldsToRecord(dead.fields);
  if (own.type === 'system.alert_raised' && own.source === 'bus') return;
  const details = {
    topic: dead.topic,
    group: dead.group,
    streamId: dead.streamId,
    dlqId: dead.dlqId,
    reason: dead.reason,
    deliveryCount: dead.deliveryCount,
    type: own.type ?? null,
    messageId: own.id ?? null,
    error: dead.error.slice(0, 500),
  };
  const message = `${own.type ?? 'a message'} dead-lettered by ${dead.group} on ${dead.topic} after ${dead.deliveryCount} deliveries (${dead.reason}): ${dead.error.slice(0, 300)}`;
  void deps
    .publish(
      'system.alert_raised',
      { severity: 'error', code: DEAD_LETTER_ALERT_CODE, message, details },
      { source: 'bus', priority: 'high' },
    )
    .catch((err: unknown) => {
      if (isRedisUnavailable(err))
        deps.outage.failed(err, {
          topic: dead.topic,
          group: dead.group,
          during: 'alert',
          code: DEAD_LETTER_ALERT_CODE,
        });
      else deps.logger.error({ err: describeError(err), code: DEAD_LETTER_ALERT_CODE }, 'bus could not publish alert');
    });
}
