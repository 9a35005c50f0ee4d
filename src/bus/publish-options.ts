import type { BusMessage } from './envelope.ts';
import type { MessageType } from './message-catalog.ts';
import type { Priority } from './topics.ts';

export interface PublishOptions {
  /** The pair the message is about (`BTC/USD`); empty or absent when none. */
  symbol?: string;
  /** Publishing service; defaults to the bus's own service name. */
  source?: string;
  priority?: Priority;
  /** Defaults to the causing message's correlation id, else to the new message's id. */
  correlationId?: string;
  causationId?: string;
  /** The message this one answers: sets correlation and causation ids. */
  causedBy?: Pick<BusMessage, 'id' | 'correlationId'>;
  /** Time to live; defaults to the topic's TTL from config. */
  ttlMs?: number;
  /** Message id; a fresh UUID by default. Dead-letter replay keeps the original id. */
  id?: string;
}

export type PublishedMessage<T extends MessageType = MessageType> = BusMessage<T> & { streamId: string };
