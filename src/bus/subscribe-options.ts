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

export type Handler<P extends Topic> = (
  message: BusMessage<TypesOfTopic<P>>,
  ctx: HandlerContext,
) => Promise<void> | void;

export interface SubscribeOptions<P extends Topic> {
  topic: P;
  /** The subscribing service: one consumer group per service, shared by all its replicas. */
  service: string;
  /**
   * Distinguishes several subscriptions of one service to one topic; each gets its own group
   * (`<service>.<name>`), so each sees every message and applies its own filter.
   */
  name?: string;
  /** Only these message types reach the handler (others are acked and counted as filtered). */
  types?: readonly TypesOfTopic<P>[];
  /** Only messages about these symbols reach the handler. */
  symbols?: readonly string[];
  filter?: (message: BusMessage<TypesOfTopic<P>>) => boolean;
  handler: Handler<P>;
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
