import { isMessageType, typesOfTopic, type MessageType } from '../../bus/message-catalog.ts';
import type { Priority, Topic } from '../../bus/topics.ts';
import { describeError, TriplegainError } from '../../shared/triplegain-error.ts';
import { withRuntime } from '../with-runtime.ts';

export interface BusPublishActionOptions {
  /** The global `-c/--config` file; undefined for the default layers. */
  configFile: string | undefined;
  topic: Topic;
  /** The payload as JSON text. */
  json: string;
  /** The message type; may be left out when the topic carries one type only. */
  type?: string;
  symbol?: string;
  priority: Priority;
  source: string;
}

/**
 * The work of `triplegain bus publish`: checks the message type against the topic and parses
 * the payload before connecting (failing with `MESSAGE_TYPE_UNKNOWN` or `MESSAGE_INVALID`),
 * then publishes it (validated against the type's schema) and prints the ids it got.
 */
export async function busPublishAction(options: BusPublishActionOptions): Promise<void> {
  const { topic } = options;
  const allowed = typesOfTopic(topic);
  const type = options.type ?? (allowed.length === 1 ? allowed[0] : undefined);
  if (!type || !isMessageType(type) || !allowed.includes(type as MessageType)) {
    throw new TriplegainError('MESSAGE_TYPE_UNKNOWN', `topic ${topic} carries: ${allowed.join(', ')}; pass --type`);
  }
  let payload: unknown;
  try {
    payload = JSON.parse(options.json);
  } catch (err) {
    throw new TriplegainError('MESSAGE_INVALID', `--json is not valid JSON: ${describeError(err)}`, {
      field: 'payload',
    });
  }
  await withRuntime(options.configFile, async (rt) => {
    // The payload is validated by publish against the type's schema.
    const published = await rt.bus.publish(type as MessageType, payload as never, {
      symbol: options.symbol,
      priority: options.priority,
      source: options.source,
    });
    console.log(`published ${published.type} ${published.id} as ${published.streamId} on ${topic}`);
  });
}
