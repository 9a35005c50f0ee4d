import type { Redis } from 'ioredis';
import { z } from 'zod';
import type { Keys } from '../keys.ts';
import { fieldsToRecord } from './envelope.ts';
import type { Topic } from './topics.ts';

/**
 * Why a message was dead-lettered: its handler kept failing, it did not decode, or it was
 * bigger than `bus.maxMessageBytes` (kept cut short: see `DeadLetterInput.oversizedBytes`).
 */
export const DeadLetterReason = z.enum(['handler_failed', 'malformed', 'oversized']);
export type DeadLetterReason = z.infer<typeof DeadLetterReason>;

/** An oversized entry keeps at most this many bytes of each field name and value… */
export const DEAD_LETTER_CUT_BYTES = 1_024;
/** …and no fields past this many bytes in all. */
const DEAD_LETTER_KEPT_BYTES = 4 * DEAD_LETTER_CUT_BYTES;

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
  /** The message's own fields, as they were on the topic stream (cut short when oversized). */
  fields: Record<string, string>;
  /** Size in bytes the entry had on its topic, when it was dead-lettered as oversized. */
  originalBytes?: number;
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
  /**
   * Set for an entry bigger than the bus allows: its size in bytes. The dead letter then keeps
   * each field name and value cut to its first `DEAD_LETTER_CUT_BYTES` (no fields past 4 KiB
   * in all) and records the size, so one huge entry cannot bloat the dead-letter stream.
   */
  oversizedBytes?: number;
}

const DLQ_FIELD = /^dlq_/;

/** The first `maxBytes` of `s` in UTF-8 (a character cut in two becomes U+FFFD). */
function cut(s: string, maxBytes: number): string {
  if (s.length <= maxBytes / 3 || Buffer.byteLength(s, 'utf8') <= maxBytes) return s;
  return Buffer.from(s.slice(0, maxBytes), 'utf8').subarray(0, maxBytes).toString('utf8');
}

/** Name/value pairs worth keeping: no `dlq_` pair, and for an oversized entry only a cut-down head. */
function keptFields(fields: readonly string[], oversized: boolean): string[] {
  const kept: string[] = [];
  let bytes = 0;
  for (let i = 0; i + 1 < fields.length; i += 2) {
    // Drop pairs whose name is a dlq_ field (left from an earlier dead-lettering).
    if (DLQ_FIELD.test(fields[i]!)) continue;
    if (!oversized) {
      kept.push(fields[i]!, fields[i + 1]!);
      continue;
    }
    if (bytes >= DEAD_LETTER_KEPT_BYTES) break;
    const name = cut(fields[i]!, DEAD_LETTER_CUT_BYTES);
    const value = cut(fields[i + 1]!, DEAD_LETTER_CUT_BYTES);
    kept.push(name, value);
    bytes += Buffer.byteLength(name, 'utf8') + Buffer.byteLength(value, 'utf8');
  }
  return kept;
}

/**
 * Moves one message to `tg:dlq:<topic>` and acks it on its lane in one MULTI, so it is never
 * both pending and dead-lettered, nor neither.
 */
export async function moveToDeadLetter(
  redis: Redis,
  keys: Keys,
  maxLen: number,
  input: DeadLetterInput,
): Promise<string> {
  const clean = keptFields(input.fields, input.oversizedBytes !== undefined);
  const size = input.oversizedBytes === undefined ? [] : ['dlq_original_bytes', String(input.oversizedBytes)];
  const result = await redis
    .multi()
    .xadd(
      keys.dlq(input.topic),
      'MAXLEN',
      '~',
      maxLen,
      '*',
      ...clean,
      'dlq_stream_id',
      input.streamId,
      'dlq_group',
      input.group,
      'dlq_consumer',
      input.consumer,
      'dlq_reason',
      input.reason,
      'dlq_error',
      input.error.slice(0, 2_000),
      'dlq_delivery_count',
      String(input.deliveryCount),
      'dlq_at_ms',
      String(input.atMs),
      ...size,
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
  const reason = DeadLetterReason.safeParse(all.dlq_reason);
  return {
    dlqId,
    topic,
    originalStreamId: all.dlq_stream_id ?? '',
    group: all.dlq_group ?? '',
    consumer: all.dlq_consumer ?? '',
    reason: reason.success ? reason.data : 'handler_failed',
    error: all.dlq_error ?? '',
    deliveryCount: Number(all.dlq_delivery_count ?? 0),
    deadLetteredAtMs: Number(all.dlq_at_ms ?? 0),
    fields: own,
    ...(all.dlq_original_bytes === undefined ? {} : { originalBytes: Number(all.dlq_original_bytes) }),
  };
}

export async function listDeadLetters(redis: Redis, keys: Keys, topic: Topic, count = 100): Promise<DeadLetter[]> {
  const entries = await redis.xrange(keys.dlq(topic), '-', '+', 'COUNT', count);
  return entries.map(([id, fields]) => toDeadLetter(topic, id, fields));
}
