import type { Redis } from 'ioredis';
import type { Keys } from '../keys.ts';
import { fieldsToRecord } from './envelope.ts';
import type { Topic } from './topics.ts';

/** Why a message was dead-lettered. */
export type DeadLetterReason = 'handler_failed' | 'malformed';

export interface DeadLetter {
  /** Id of the entry in the dead-letter stream. */
  dlqId: string;
  topic: Topic;
  /** Id the message had on its topic stream. */
  originalStreamId: string;
  group: string;
  consumer: string;
  reason: DeadLetterReason;
  error: string;
  deliveryCount: number;
  deadLetteredAtMs: number;
  /** The message's own fields, as they were on the topic stream. */
  fields: Record<string, string>;
}

export interface DeadLetterInput {
  topic: Topic;
  lane: string;
  streamId: string;
  fields: readonly string[];
  group: string;
  consumer: string;
  reason: DeadLetterReason;
  error: string;
  deliveryCount: number;
  atMs: number;
}

const DLQ_FIELD = /^dlq_/;

/**
 * Moves one message to `tg:dlq:<topic>` and acks it on its lane in one MULTI, so it is never
 * both pending and dead-lettered, nor neither.
 */
export async function moveToDeadLetter(redis: Redis, keys: Keys, maxLen: number, input: DeadLetterInput): Promise<string> {
  // Drop pairs whose name is a dlq_ field (left from an earlier dead-lettering).
  const clean: string[] = [];
  for (let i = 0; i + 1 < input.fields.length; i += 2) {
    if (!DLQ_FIELD.test(input.fields[i]!)) clean.push(input.fields[i]!, input.fields[i + 1]!);
  }
  const result = await redis
    .multi()
    .xadd(
      keys.dlq(input.topic),
      'MAXLEN',
      '~',
      maxLen,
      '*',
      ...clean,
      'dlq_stream_id', input.streamId,
      'dlq_group', input.group,
      'dlq_consumer', input.consumer,
      'dlq_reason', input.reason,
      'dlq_error', input.error.slice(0, 2_000),
      'dlq_delivery_count', String(input.deliveryCount),
      'dlq_at_ms', String(input.atMs),
    )
    .xack(input.lane, input.group, input.streamId)
    .hincrby(keys.busStats(input.topic), `${input.group}:dead_lettered`, 1)
    .exec();
  const added = result?.[0];
  if (!added || added[0]) throw added?.[0] ?? new Error('dead-letter MULTI was aborted');
  return String(added[1]);
}

export function toDeadLetter(topic: Topic, dlqId: string, fields: readonly string[]): DeadLetter {
  const all = fieldsToRecord(fields);
  const own: Record<string, string> = {};
  for (const [k, v] of Object.entries(all)) if (!DLQ_FIELD.test(k)) own[k] = v;
  return {
    dlqId,
    topic,
    originalStreamId: all.dlq_stream_id ?? '',
    group: all.dlq_group ?? '',
    consumer: all.dlq_consumer ?? '',
    reason: all.dlq_reason === 'malformed' ? 'malformed' : 'handler_failed',
    error: all.dlq_error ?? '',
    deliveryCount: Number(all.dlq_delivery_count ?? 0),
    deadLetteredAtMs: Number(all.dlq_at_ms ?? 0),
    fields: own,
  };
}

export async function listDeadLetters(redis: Redis, keys: Keys, topic: Topic, count = 100): Promise<DeadLetter[]> {
  const entries = await redis.xrange(keys.dlq(topic), '-', '+', 'COUNT', count);
  return entries.map(([id, fields]) => toDeadLetter(topic, id, fields));
}
