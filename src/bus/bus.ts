import { randomUUID } from 'node:crypto';
import type { Redis } from 'ioredis';
import { systemClock, type Clock } from '../clock/clock.ts';
import { BusConfig } from '../config/sections/bus-config.ts';
import type { Keys } from '../keys.ts';
import { isRedisUnavailable } from '../redis/is-redis-unavailable.ts';
import { OutageLogger } from '../redis/outage-logger.ts';
import { silentLogger, type Logger } from '../shared/logger.ts';
import { describeError, TriplegainError } from '../shared/triplegain-error.ts';
import { topicStats, type TopicStats, type TopicStatsOptions } from './bus-stats.ts';
import { listDeadLetters, type DeadLetter } from './dead-letter-store.ts';
import { decodeFields, encodedFieldNamesBytes, encodeValues, validateMessage, type BusMessage } from './envelope.ts';
import { messageCatalog, type MessageType, type PayloadInput, type TypesOfTopic } from './message-catalog.ts';
import type { PublishedMessage, PublishOptions } from './publish-options.ts';
import { PublishBatcher, type AppendTicket } from './publish-batcher.ts';
import { latestScript } from './scripts/latest-script.ts';
import { trimScript } from './scripts/trim-script.ts';
import type { SubscribeOptions } from './subscribe-options.ts';
import { Subscription } from './subscription.ts';
import { topics, type Topic } from './topics.ts';
import { utf8SizeOver } from './utf8-size-over.ts';

export interface BusDeps {
  /** Command connection (publishing, acks, claims). Each subscription opens its own blocking one. */
  redis: Redis;
  keys: Keys;
  /** This process's service name, the default `source` of what it publishes. */
  service: string;
  config?: BusConfig;
  clock?: Clock;
  logger?: Logger;
}

export interface LatestQuery {
  /** The pair; omit for messages about no symbol. */
  symbol?: string;
  /** Only this publisher's messages; any publisher when omitted. */
  source?: string;
  /** Ignore a latest message older than this. */
  maxAgeMs?: number;
}

export interface ReplayResult {
  replayed: string[];
  /** Dead letters that cannot be replayed (malformed), left where they are. */
  skipped: { dlqId: string; reason: string }[];
}

/** The durable topic bus on Redis Streams. See ARCHITECTURE §2. */
export class Bus {
  readonly keys: Keys;
  readonly config: BusConfig;
  private readonly redis: Redis;
  private readonly clock: Clock;
  private readonly logger: Logger;
  private readonly service: string;
  private readonly subscriptions = new Set<Subscription>();
  private maintenance?: NodeJS.Timeout;
  private readonly batcher: PublishBatcher;
  /** Redis being unavailable, as every publish, read, ack, claim and trim of this bus sees it. */
  private readonly outage: OutageLogger;
  /** Topic → its lane and latest-index keys, built once. */
  private readonly topicKeys = new Map<Topic, { main: string; urgent: string; latest: string }>();

  constructor(deps: BusDeps) {
    this.redis = deps.redis;
    this.keys = deps.keys;
    this.service = deps.service;
    this.config = deps.config ?? BusConfig.parse({});
    this.clock = deps.clock ?? systemClock;
    this.logger = deps.logger ?? silentLogger;
    this.batcher = new PublishBatcher(this.redis);
    this.outage = new OutageLogger({
      logger: this.logger,
      messages: { started: 'bus redis unavailable', ended: 'bus redis available again' },
      context: { service: this.service },
    });
  }

  ttlMs(topic: Topic): number {
    return this.config.topics[topic]?.ttlMs ?? this.config.defaultTtlMs;
  }

  /**
   * Validates and appends a message to its topic (derived from the type). Throws
   * MESSAGE_INVALID naming the field, and writes nothing, when the message does not fit its
   * schema or its fields take more than `maxMessageBytes`. Resolves once Redis has the entry.
   */
  async publish<T extends MessageType>(
    type: T,
    payload: PayloadInput<T>,
    options: PublishOptions = {},
  ): Promise<PublishedMessage<T>> {
    const definition = messageCatalog[type];
    if (!definition)
      throw new TriplegainError('MESSAGE_TYPE_UNKNOWN', `unknown message type ${JSON.stringify(type)}`, {
        field: 'type',
      });
    const now = this.clock.now();
    const id = options.id ?? randomUUID();
    const message = validateMessage({
      id,
      type,
      source: options.source ?? this.service,
      symbol: options.symbol ?? '',
      priority: options.priority ?? 'normal',
      correlationId: options.correlationId ?? options.causedBy?.correlationId ?? id,
      causationId: options.causationId ?? options.causedBy?.id ?? '',
      tsMs: now,
      expiresAtMs: now + (options.ttlMs ?? this.ttlMs(definition.topic)),
      payload,
    }) as BusMessage<T>;
    const published = message as PublishedMessage<T>;
    const ticket = this.enqueue(definition.topic, message);
    let ids: unknown[];
    try {
      ids = (await ticket.ids) as unknown[];
    } catch (err) {
      // The caller gets the error; the log gets one line per outage, not one per message.
      if (isRedisUnavailable(err)) this.outage.failed(err, { during: 'publish', type });
      throw err;
    }
    this.outage.succeeded();
    published.streamId = String(ids[ticket.index]);
    return published;
  }

  /** Queues the entry of `message`; throws MESSAGE_INVALID (nothing queued) when it is too big. */
  private enqueue(topic: Topic, message: BusMessage): AppendTicket {
    const values = encodeValues(message);
    const max = this.config.maxMessageBytes;
    const size = utf8SizeOver(values, max, encodedFieldNamesBytes);
    if (size !== undefined) {
      throw new TriplegainError(
        'MESSAGE_INVALID',
        `${message.type} message is ${size} bytes, over the bus limit of ${max} (bus.maxMessageBytes); nothing was published`,
        {
          type: message.type,
          field: 'payload',
          sizeBytes: size,
          maxBytes: max,
        },
      );
    }
    let k = this.topicKeys.get(topic);
    if (!k) {
      k = {
        main: this.keys.busStream(topic),
        urgent: this.keys.busUrgentStream(topic),
        latest: this.keys.latest(topic),
      };
      this.topicKeys.set(topic, k);
    }
    return this.batcher.append(message.priority === 'urgent' ? k.urgent : k.main, k.latest, values);
  }

  private async append(topic: Topic, message: BusMessage): Promise<string> {
    const ticket = this.enqueue(topic, message);
    return String(((await ticket.ids) as unknown[])[ticket.index]);
  }

  /** Starts a consumer; see `SubscribeOptions`. A handler may publish and subscribe freely. */
  async subscribe<P extends Topic, T extends TypesOfTopic<P> = TypesOfTopic<P>>(
    options: SubscribeOptions<P, T>,
  ): Promise<Subscription<P, T>> {
    const subscription = new Subscription<P, T>(
      {
        redis: this.redis,
        keys: this.keys,
        clock: this.clock,
        logger: this.logger,
        outage: this.outage,
        config: this.config,
        publish: (type, payload, opts) => this.publish(type, payload, opts),
      },
      options,
    );
    await subscription.start();
    this.subscriptions.add(subscription as unknown as Subscription);
    return subscription;
  }

  async unsubscribe(subscription: Subscription<Topic>, deadlineMs?: number): Promise<void> {
    this.subscriptions.delete(subscription as Subscription);
    await subscription.stop(deadlineMs);
  }

  /**
   * The last message published on `topic` for exactly this symbol (and source, when given).
   * An index written atomically with each publish points at the entry: one round trip, O(1),
   * never another symbol's message. Undefined once the entry has been trimmed.
   */
  async latest<P extends Topic>(
    topic: P,
    query: LatestQuery = {},
  ): Promise<PublishedMessage<TypesOfTopic<P>> | undefined> {
    const symbol = query.symbol ?? '';
    const entry = (await latestScript.run(
      this.redis,
      [this.keys.latest(topic), this.keys.busUrgentStream(topic), this.keys.busStream(topic)],
      [`${symbol}|${query.source ?? '*'}`],
    )) as [string, string[]] | null;
    if (!entry) return undefined;
    let message: BusMessage;
    try {
      message = decodeFields(entry[1]);
    } catch (err) {
      this.logger.warn({ topic, symbol, err: describeError(err) }, 'bus latest index points at an invalid message');
      return undefined;
    }
    if (message.symbol !== symbol) return undefined;
    if (query.source !== undefined && message.source !== query.source) return undefined;
    if (query.maxAgeMs !== undefined && this.clock.now() - message.tsMs > query.maxAgeMs) return undefined;
    return { ...(message as BusMessage<TypesOfTopic<P>>), streamId: entry[0] };
  }

  /** `options.lagCap`: entries counted per group and lane (1 answers only "anything left?", cheaply). */
  async stats(topic: Topic, options: TopicStatsOptions = {}): Promise<TopicStats> {
    return topicStats(this.redis, this.keys, topic, options);
  }

  async allStats(): Promise<TopicStats[]> {
    return Promise.all(topics.map((t) => this.stats(t)));
  }

  async deadLetters(topic: Topic, count?: number): Promise<DeadLetter[]> {
    return listDeadLetters(this.redis, this.keys, topic, count);
  }

  /**
   * Puts dead letters back on their topic with their original message id and a fresh TTL.
   * Every group of the topic receives them again; handlers that use `ctx.once` (or dedupe
   * on the message id) skip what they already did.
   */
  async replayDeadLetters(topic: Topic, options: { ids?: readonly string[] } = {}): Promise<ReplayResult> {
    const all = await listDeadLetters(this.redis, this.keys, topic, 10_000);
    const chosen = options.ids ? all.filter((d) => options.ids!.includes(d.dlqId)) : all;
    const result: ReplayResult = { replayed: [], skipped: [] };
    for (const id of options.ids ?? []) {
      if (!all.some((d) => d.dlqId === id)) result.skipped.push({ dlqId: id, reason: 'no such dead letter' });
    }
    for (const dead of chosen) {
      let message: BusMessage;
      try {
        message = decodeFields(Object.entries(dead.fields).flat());
      } catch (err) {
        result.skipped.push({ dlqId: dead.dlqId, reason: describeError(err) });
        continue;
      }
      const now = this.clock.now();
      try {
        await this.append(topic, { ...message, expiresAtMs: now + this.ttlMs(topic) });
      } catch (err) {
        // Too big for the bus: it stays a dead letter; anything else (Redis) stops the replay.
        if (!(err instanceof TriplegainError && err.code === 'MESSAGE_INVALID')) throw err;
        result.skipped.push({ dlqId: dead.dlqId, reason: describeError(err) });
        continue;
      }
      await this.redis.xdel(this.keys.dlq(topic), dead.dlqId);
      result.replayed.push(dead.dlqId);
    }
    return result;
  }

  /** Trims both lanes of a topic by age and length, never past what a group still needs. */
  async trim(topic: Topic): Promise<number> {
    const maxAgeMs = this.config.topics[topic]?.maxAgeMs ?? this.config.retention.maxAgeMs;
    const maxLen = this.config.topics[topic]?.maxLen ?? this.config.retention.maxLen;
    let removed = 0;
    for (const lane of [this.keys.busStream(topic), this.keys.busUrgentStream(topic)]) {
      const [count] = (await trimScript.run(this.redis, [lane], [maxAgeMs, maxLen, 100_000])) as [number, string];
      removed += Number(count);
    }
    return removed;
  }

  /** Trims every topic now and then every `retention.intervalMs`. */
  startMaintenance(): void {
    if (this.maintenance) return;
    const run = async () => {
      for (const topic of topics) {
        try {
          await this.trim(topic);
          this.outage.succeeded();
        } catch (err) {
          if (isRedisUnavailable(err)) this.outage.failed(err, { topic, during: 'trim' });
          else this.logger.warn({ topic, err: describeError(err) }, 'bus trim failed');
        }
      }
    };
    void run();
    this.maintenance = setInterval(() => void run(), this.config.retention.intervalMs);
    this.maintenance.unref();
  }

  /** Stops maintenance and every subscription (each finishes its current message first). */
  async close(deadlineMs?: number): Promise<void> {
    clearInterval(this.maintenance);
    this.maintenance = undefined;
    const subs = [...this.subscriptions];
    this.subscriptions.clear();
    await Promise.all(subs.map((s) => s.stop(deadlineMs)));
  }
}
