import { describeError } from '../shared/triplegain-error.ts';
import { moveToDeadLetter, type DeadLetterReason } from './dead-letter-store.ts';
import type { Delivery } from './delivery.ts';
import { reportDeadLetter } from './report-dead-letter.ts';
import type { SubscriptionDeps } from './subscribe-options.ts';
import type { Topic } from './topics.ts';

/**
 * Moves a delivery to the dead-letter stream (`moveToDeadLetter`, which acks it there), logs it
 * and raises it (`reportDeadLetter`). Send the consumer's pending acks first: the dead letter is
 * one more ack of the same lane.
 */
export async function deadLetterDelivery(
  deps: SubscriptionDeps,
  where: { topic: Topic; group: string; consumer: string },
  d: Delivery,
  reason: DeadLetterReason,
  err: unknown,
): Promise<void> {
  const dlqId = await moveToDeadLetter(deps.redis, deps.keys, deps.config.retention.dlqMaxLen, {
    topic: where.topic,
    lane: d.lane,
    streamId: d.streamId,
    fields: d.fields,
    group: where.group,
    consumer: where.consumer,
    reason,
    error: describeError(err),
    deliveryCount: d.deliveryCount,
    atMs: deps.clock.now(),
    oversizedBytes: d.oversizedBytes,
  });
  deps.logger.error(
    {
      topic: where.topic,
      group: where.group,
      streamId: d.streamId,
      reason,
      deliveryCount: d.deliveryCount,
      sizeBytes: d.oversizedBytes,
      err: describeError(err),
    },
    'bus message dead-lettered',
  );
  reportDeadLetter(deps, {
    topic: where.topic,
    group: where.group,
    streamId: d.streamId,
    dlqId,
    reason,
    deliveryCount: d.deliveryCount,
    error: describeError(err),
    fields: d.fields,
  });
}
