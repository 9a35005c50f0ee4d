import type { Redis } from 'ioredis';
import type { Clock } from '../clock/clock.ts';
import type { BusConfig } from '../config/sections/bus-config.ts';
import type { Keys } from '../keys.ts';
import type { OutageLogger } from '../redis/outage-logger.ts';
import type { Logger } from '../shared/logger.ts';
import type { BusMessage } from './envelope.ts';
import type { OnceResult } from './idempotency.ts';
import type { MessageType, PayloadInput, TypesOfTopic } from './message-catalog.ts';
import type { PublishOptions, PublishedMessage } from './publish-options.ts';
import type { Topic } from './topics.ts';

/** What a handler gets besides the message. */
export interface HandlerContext {
  /** 1 on first delivery; counts every delivery of this message to this group. */
  deliveryCount: number;
  streamId: string;
  group: string;
  consumer: string;
  /** Aborted when the handler runs past `handlerTimeoutMs`. */
  signal: AbortSignal;
  /** Publishes a message caused by this one (same correlation id, causation id = this id). */
  publish<T extends MessageType>(
    type: T,
    payload: PayloadInput<T>,
    options?: PublishOptions,
  ): Promise<PublishedMessage<T>>;
  /**
   * Runs a side effect at most once for this message in this group, even when the message is
   * delivered again (after a crash, a timeout or a dead-letter replay).
   */
  once<T>(fn: () => Promise<T>): Promise<OnceResult<T>>;
}

/**
 * A validated message of one of the types `T`, as a union with one member per type: checking
 * `message.type` narrows its payload, and a single type is that type's message.
 */
export type MessageOf<T extends MessageType> = T extends MessageType ? BusMessage<T> : never;

/** Handles the messages of the types `T` (by default every type of the topic `P`), parsed already. */
export type Handler<P extends Topic, T extends TypesOfTopic<P> = TypesOfTopic<P>> = (
  message: MessageOf<T>,
  ctx: HandlerContext,
) => Promise<void> | void;

/**
 * A subscription to the topic `P`, its handler typed by the message types it receives: the ones
 * listed in `types`, or every type of the topic.
 */
export interface SubscribeOptions<P extends Topic, T extends TypesOfTopic<P> = TypesOfTopic<P>> {
  topic: P;
  /** The subscribing service: one consumer group per service, shared by all its replicas. */
  service: string;
  /**
   * Distinguishes several subscriptions of one service to one topic; each gets its own group
   * (`<service>.<name>`), so each sees every message and applies its own filter.
   */
  name?: string;
  /** Only these message types reach the handler (others are acked and counted as filtered). */
  types?: readonly T[];
  /** Only messages about these symbols reach the handler. */
  symbols?: readonly string[];
  filter?(message: MessageOf<T>): boolean;
  // A method signature: a subscription of some of a topic's types is still a subscription of the topic.
  handler(message: MessageOf<T>, ctx: HandlerContext): Promise<void> | void;
  /** Where a group created now starts: new messages only (default) or everything retained. */
  startFrom?: 'new' | 'earliest';
  /** Consumer name inside the group; defaults to host, pid and a random suffix. */
  consumer?: string;
  /** Overrides of the bus config for this subscription (tests, slow handlers). */
  overrides?: Partial<
    Pick<
      BusConfig,
      | 'claimIdleMs'
      | 'claimIntervalMs'
      | 'consumerIdleMs'
      | 'retryDelayMs'
      | 'handlerTimeoutMs'
      | 'batchSize'
      | 'blockMs'
      | 'maxDeliveries'
    >
  > & {
    breaker?: Partial<BusConfig['breaker']>;
  };
}

/** What a subscription needs from the bus that created it. */
export interface SubscriptionDeps {
  redis: Redis;
  keys: Keys;
  clock: Clock;
  logger: Logger;
  /** The bus's one record of Redis being unavailable: failures there are logged once per outage. */
  outage: OutageLogger;
  config: BusConfig;
  publish<T extends MessageType>(
    type: T,
    payload: PayloadInput<T>,
    options?: PublishOptions,
  ): Promise<PublishedMessage<T>>;
}
