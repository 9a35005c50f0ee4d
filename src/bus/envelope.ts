import { z } from 'zod';
import { TriplegainError } from '../shared/triplegain-error.ts';
import { isMessageType, messageCatalog, type MessageType, type PayloadOf } from './message-catalog.ts';
import { Priority } from './topics.ts';

/**
 * The envelope every message carries. On the stream it is flat fields (snake_case, readable
 * with `redis-cli XRANGE`); in code it is this object (camelCase, units in names).
 */
export const Envelope = z
  .object({
    id: z.uuid(),
    type: z.string().min(1),
    source: z.string().regex(/^[A-Za-z0-9_.:-]+$/, 'expected a service name such as "ta-agent"'),
    /** Empty when the message is not about one symbol. */
    symbol: z.union([z.literal(''), z.string().regex(/^[A-Z0-9]+\/[A-Z0-9]+$/, 'expected a pair such as "BTC/USD"')]),
    priority: Priority,
    correlationId: z.string().min(1),
    /** Id of the message that caused this one; empty when none. */
    causationId: z.string(),
    tsMs: z.number().int().nonnegative(),
    expiresAtMs: z.number().int().nonnegative(),
    payload: z.unknown(),
  })
  .strict();
export type Envelope = z.infer<typeof Envelope>;

/** A validated message of type T. */
export type BusMessage<T extends MessageType = MessageType> = Omit<Envelope, 'type' | 'payload'> & {
  type: T;
  payload: PayloadOf<T>;
};

const fieldNames = {
  id: 'id',
  type: 'type',
  source: 'source',
  symbol: 'symbol',
  priority: 'priority',
  correlationId: 'correlation_id',
  causationId: 'causation_id',
  tsMs: 'ts_ms',
  expiresAtMs: 'expires_at_ms',
  payload: 'payload',
} as const satisfies Record<keyof Envelope, string>;

function invalid(type: string, error: z.ZodError, prefix = ''): TriplegainError {
  const first = error.issues[0];
  const path = first ? [prefix, ...first.path.map(String)].filter(Boolean).join('.') : prefix;
  const reasons = error.issues.map(
    (i) => `${[prefix, ...i.path.map(String)].filter(Boolean).join('.') || '(root)'}: ${i.message}`,
  );
  return new TriplegainError('MESSAGE_INVALID', `invalid ${type} message: ${reasons.join('; ')}`, {
    type,
    field: path,
    issues: reasons,
  });
}

/**
 * Validates an envelope and its payload against the catalog. Throws MESSAGE_INVALID naming
 * the first offending field (`payload.confidence`, `symbol`, …) or MESSAGE_TYPE_UNKNOWN.
 */
export function validateMessage(candidate: unknown): BusMessage {
  const envelope = Envelope.safeParse(candidate);
  if (!envelope.success) {
    const type =
      typeof (candidate as { type?: unknown })?.type === 'string' ? (candidate as { type: string }).type : '(no type)';
    throw invalid(type, envelope.error);
  }
  const data = envelope.data;
  if (!isMessageType(data.type)) {
    throw new TriplegainError('MESSAGE_TYPE_UNKNOWN', `unknown message type ${JSON.stringify(data.type)}`, {
      type: data.type,
      field: 'type',
    });
  }
  const payload = messageCatalog[data.type].payload.safeParse(data.payload);
  if (!payload.success) throw invalid(data.type, payload.error, 'payload');
  // `data` is zod's own fresh output object: swapping in the parsed payload copies nothing.
  data.payload = payload.data;
  return data as BusMessage;
}

/**
 * The stream field names of a message, in order. The publish script takes only the values
 * (`encodeValues`) and writes them under these names.
 */
export const encodedFieldNames: readonly string[] = [
  fieldNames.id,
  fieldNames.type,
  fieldNames.source,
  fieldNames.symbol,
  fieldNames.priority,
  fieldNames.correlationId,
  fieldNames.causationId,
  fieldNames.tsMs,
  fieldNames.expiresAtMs,
  fieldNames.payload,
];

/** Bytes the names in `encodedFieldNames` take on the stream (ASCII). */
export const encodedFieldNamesBytes = encodedFieldNames.reduce((sum, name) => sum + name.length, 0);

/** A message's field values, in the order of `encodedFieldNames` (the payload as JSON). */
export function encodeValues(message: BusMessage): string[] {
  return [
    message.id,
    message.type,
    message.source,
    message.symbol,
    message.priority,
    message.correlationId,
    message.causationId,
    String(message.tsMs),
    String(message.expiresAtMs),
    JSON.stringify(message.payload),
  ];
}

/** Flat stream fields → record (the last value wins for a repeated field). */
export function fieldsToRecord(fields: readonly string[]): Record<string, string> {
  const record: Record<string, string> = {};
  for (let i = 0; i + 1 < fields.length; i += 2) record[fields[i]!] = fields[i + 1]!;
  return record;
}

const integerField = /^\d+$/;
const toInt = (v: string | undefined) => (v !== undefined && integerField.test(v) ? Number(v) : v);

/** Whether `fields` is exactly the layout the bus writes (each of `encodedFieldNames` once, in order). */
function isEncodedLayout(fields: readonly string[]): boolean {
  if (fields.length !== 2 * encodedFieldNames.length) return false;
  for (let i = 0; i < encodedFieldNames.length; i++) if (fields[2 * i] !== encodedFieldNames[i]) return false;
  return true;
}

/**
 * Flat stream fields → validated message. Anything written by hand that does not fit throws
 * MESSAGE_INVALID (the consumer dead-letters it instead of crashing).
 */
export function decodeFields(fields: readonly string[]): BusMessage {
  let id: string | undefined, type: string | undefined, source: string | undefined, symbol: string | undefined;
  let priority: string | undefined, correlationId: string | undefined, causationId: string | undefined;
  let tsMs: string | undefined, expiresAtMs: string | undefined, payloadJson: string | undefined;
  if (isEncodedLayout(fields)) {
    // What the bus itself wrote: read by position instead of building a record first.
    id = fields[1];
    type = fields[3];
    source = fields[5];
    symbol = fields[7];
    priority = fields[9];
    correlationId = fields[11];
    causationId = fields[13];
    tsMs = fields[15];
    expiresAtMs = fields[17];
    payloadJson = fields[19];
  } else {
    const r = fieldsToRecord(fields);
    ({ id, type, source, symbol, priority } = r);
    correlationId = r.correlation_id;
    causationId = r.causation_id;
    tsMs = r.ts_ms;
    expiresAtMs = r.expires_at_ms;
    payloadJson = r.payload;
  }
  let payload: unknown;
  try {
    payload = payloadJson === undefined ? undefined : JSON.parse(payloadJson);
  } catch {
    throw new TriplegainError('MESSAGE_INVALID', `invalid ${type ?? '(no type)'} message: payload: not valid JSON`, {
      field: 'payload',
    });
  }
  return validateMessage({
    id,
    type,
    source,
    symbol,
    priority,
    correlationId,
    causationId,
    tsMs: toInt(tsMs),
    expiresAtMs: toInt(expiresAtMs),
    payload,
  });
}
