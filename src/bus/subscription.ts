import { hostname } from 'node:os';
import { randomUUID } from 'node:crypto';
import type { Redis } from 'ioredis';
import type { BusConfig } from '../config/sections/bus-config.ts';
import { isRedisUnavailable } from '../redis/is-redis-unavailable.ts';
import { describeError, TriplegainError } from '../shared/triplegain-error.ts';
import { CircuitBreaker, type BreakerChange, type BreakerState } from './circuit-breaker.ts';
import { reportBreakerChange } from './report-breaker-change.ts';
import { deadLetterDelivery } from './dead-letter-delivery.ts';
import { AckBatch } from './ack-batch.ts';
import type { DeadLetterReason } from './dead-letter-store.ts';
import { decodeDelivery } from './decode-delivery.ts';
import type { BusMessage } from './envelope.ts';
import type { TypesOfTopic } from './message-catalog.ts';
import { priorityRank, type Topic } from './topics.ts';
import type { MessageOf, SubscribeOptions, SubscriptionDeps } from './subscribe-options.ts';
import { MessageContext, type ContextScope } from './message-context.ts';
import { claimIdleEntries } from './claim-idle-entries.ts';
import { readNewEntries } from './read-new-entries.ts';
import { ensureConsumerGroups, isNoGroup } from './ensure-consumer-groups.ts';
import { removeConsumerIfIdle, removeIdleConsumers } from './remove-idle-consumers.ts';
import type { Delivery } from './delivery.ts';

const sleep = (ms: number) => new Promise<void>((resolve) => setTimeout(resolve, ms));

/**
 * One consumer in one consumer group, reading a topic's urgent lane before its main lane.
 *
 * Guarantees: a message is acked only after its handler succeeded (or it expired, was
 * filtered out, or was dead-lettered); a failed message is retried with backoff and
 * dead-lettered after `maxDeliveries`; messages held by a consumer that died are claimed by
 * the others (`XAUTOCLAIM`) once idle for `claimIdleMs`. Handling is serial per consumer;
 * run more consumers (processes) to share a group's work.
 */
export class Subscription<P extends Topic = Topic, T extends TypesOfTopic<P> = TypesOfTopic<P>> {
  readonly topic: P;
  readonly group: string;
  readonly consumer: string;
  private readonly config: BusConfig;
  private readonly lanes: { urgent: string; main: string };
  private readonly blocking: Redis;
  private readonly breaker: CircuitBreaker;
  private running = false;
  private loop?: Promise<void>;
  private chain: Promise<void> = Promise.resolve();
  private claimTimer?: NodeJS.Timeout;
  private readonly retryTimers = new Set<NodeJS.Timeout>();
  /** Acks and counters of handled messages, sent once per batch. */
  private readonly acks: AckBatch;
  private readonly contextScope: ContextScope;

  constructor(
    private readonly deps: SubscriptionDeps,
    private readonly options: SubscribeOptions<P, T>,
  ) {
    this.topic = options.topic;
    this.group = options.name ? `${options.service}.${options.name}` : options.service;
    this.consumer = options.consumer ?? `${hostname()}:${process.pid}:${randomUUID().slice(0, 6)}`;
    const { breaker: breakerOverrides, ...rest } = options.overrides ?? {};
    this.config = { ...deps.config, ...rest, breaker: { ...deps.config.breaker, ...breakerOverrides } };
    this.lanes = { urgent: deps.keys.busUrgentStream(options.topic), main: deps.keys.busStream(options.topic) };
    // Unacked messages are delivered again later; the handler's idempotency covers a failed flush.
    this.acks = new AckBatch(deps.redis, this.group, this.lanes, deps.keys.busStats(options.topic), (err) =>
      err === undefined ? this.deps.outage.succeeded() : this.redisFailed(err, 'ack', 'bus ack failed'),
    );
    this.contextScope = { deps, group: this.group, consumer: this.consumer, lockMs: this.config.claimIdleMs };
    this.breaker = new CircuitBreaker(this.config.breaker.failureThreshold, this.config.breaker.cooldownMs);
    this.blocking = deps.redis.duplicate({
      maxRetriesPerRequest: null,
      // One command at a time on this connection: batching it would only add a tick per read.
      enableAutoPipelining: false,
      connectionName: `tg-bus:${this.group}:${this.consumer}`,
      lazyConnect: true,
    });
    // Errors surface through the commands that fail; this keeps ioredis from logging them raw.
    this.blocking.on('error', () => undefined);
  }

  get breakerState(): BreakerState {
    return this.breaker.state;
  }

  async start(): Promise<void> {
    await this.ensureGroups();
    await this.blocking.connect();
    this.running = true;
    this.loop = this.readLoop();
    // One pass at a time: while Redis is away a pass hangs, and passes queued behind it would
    // all fail at once when it comes back.
    let claiming: Promise<void> | undefined;
    this.claimTimer = setInterval(() => {
      claiming ??= this.claimIdle().finally(() => (claiming = undefined));
    }, this.config.claimIntervalMs);
    this.claimTimer.unref();
  }

  /**
   * Stops reading, lets the message being handled finish (up to `deadlineMs`), flushes acks.
   * Messages this consumer still holds stay pending and are claimed by another consumer.
   */
  async stop(deadlineMs = 5_000): Promise<void> {
    if (!this.running) return;
    this.running = false;
    clearInterval(this.claimTimer);
    for (const t of this.retryTimers) clearTimeout(t);
    this.retryTimers.clear();
    this.blocking.disconnect();
    // An unref'd deadline: once the loop and the handler are done, nothing of this stop may keep
    // the process alive (a plain timer held every stopping process for the whole 5 s).
    await Promise.race([
      Promise.allSettled([this.loop, this.chain]),
      new Promise<void>((resolve) => setTimeout(resolve, deadlineMs).unref()),
    ]);
    await this.acks.flush();
    await removeConsumerIfIdle(this.deps.redis, [this.lanes.urgent, this.lanes.main], this.group, this.consumer).catch(
      () => undefined,
    );
  }

  private ensureGroups(): Promise<void> {
    const from = this.options.startFrom === 'earliest' ? '0' : '$';
    return ensureConsumerGroups(this.deps.redis, {
      lanes: [this.lanes.urgent, this.lanes.main],
      group: this.group,
      consumer: this.consumer,
      from,
    });
  }

  private async readLoop(): Promise<void> {
    let failures = 0;
    while (this.running) {
      const gate = this.breaker.allows(Date.now());
      if (gate.change) this.onBreakerChange(gate.change, undefined);
      if (!gate.allowed) {
        await sleep(Math.min(this.breaker.remainingCooldownMs(Date.now()) + 1, 250));
        continue;
      }
      let deliveries: Delivery[];
      try {
        deliveries = await readNewEntries(this.blocking, {
          lanes: [this.lanes.urgent, this.lanes.main],
          group: this.group,
          consumer: this.consumer,
          count: this.breaker.state === 'half_open' ? 1 : this.config.batchSize,
          blockMs: this.config.blockMs,
        });
        failures = 0;
        this.deps.outage.succeeded();
      } catch (err) {
        if (!this.running) return;
        failures += 1;
        if (isNoGroup(err)) await this.ensureGroups().catch(() => undefined);
        else this.redisFailed(err, 'read', 'bus read failed; retrying');
        await sleep(Math.min(100 * 2 ** failures, 5_000));
        continue;
      }
      if (deliveries.length === 0) continue;
      await this.serial(() => this.handleBatch(deliveries));
    }
  }

  /** Runs `work` after everything queued before it: one message at a time per consumer. */
  private serial(work: () => Promise<void>): Promise<void> {
    const next = this.chain.then(work, work);
    this.chain = next.catch((err: unknown) => this.redisFailed(err, 'handling', 'bus batch failed', 'error'));
    return this.chain;
  }

  private async handleBatch(deliveries: Delivery[]): Promise<void> {
    for (const d of deliveries) decodeDelivery(d, this.config.maxMessageBytes);
    // Urgent lane first, then by priority; the sort is stable so order within a rank holds. A
    // batch already in that order (one lane, one priority: the usual case) is left as it is.
    if (!this.inHandlingOrder(deliveries)) deliveries.sort((a, b) => this.rank(a) - this.rank(b));
    for (const d of deliveries) {
      if (!this.running) break;
      // Only a message whose handling is still pending (async handler, dead letter) is awaited.
      const pending = this.handle(d);
      if (pending) await pending;
    }
    // The acks go out now; the next read need not wait for their reply, only for the batch
    // before (so at most two ack commands are ever in flight).
    const previous = this.acks.lastFlush;
    void this.acks.flush();
    await previous;
  }

  private rank(d: Delivery): number {
    return d.lane === this.lanes.urgent ? -1 : d.message ? priorityRank[d.message.priority] : 9;
  }

  private inHandlingOrder(deliveries: readonly Delivery[]): boolean {
    let previous = -Infinity;
    for (const d of deliveries) {
      const rank = this.rank(d);
      if (rank < previous) return false;
      previous = rank;
    }
    return true;
  }

  /** Whether the message is of a type the handler takes: one listed in `types`, or any of the topic's. */
  private isOfTypes(message: BusMessage): message is MessageOf<T> {
    const { types } = this.options;
    return !types || types.some((type) => type === message.type);
  }

  /** Whether the message passes the subscription's types, symbols and filter: the handler's to see. */
  private matches(message: BusMessage): message is MessageOf<T> {
    if (!this.isOfTypes(message)) return false;
    const { symbols, filter } = this.options;
    if (symbols && !symbols.includes(message.symbol)) return false;
    return filter ? filter(message) : true;
  }

  /**
   * Handles one delivery. Returns a promise only when something is still pending (an async
   * handler, a dead letter); a synchronous handler's message is done when this returns.
   */
  private handle(d: Delivery): Promise<void> | undefined {
    decodeDelivery(d, this.config.maxMessageBytes);
    const message = d.message;
    if (!message) return this.deadLetter(d, d.oversizedBytes === undefined ? 'malformed' : 'oversized', d.decodeError);
    if (message.expiresAtMs <= this.deps.clock.now()) {
      this.acks.ack(d.lane, d.streamId, 'expired');
      return undefined;
    }
    if (!this.matches(message)) {
      this.acks.ack(d.lane, d.streamId, 'filtered');
      return undefined;
    }
    if (this.breaker.state !== 'closed') {
      const gate = this.breaker.allows(Date.now());
      if (gate.change) this.onBreakerChange(gate.change, undefined);
      if (!gate.allowed) {
        // The circuit opened earlier in this batch: keep the message pending and come back to it.
        this.scheduleRetry(d, this.breaker.remainingCooldownMs(Date.now()) + 1);
        return undefined;
      }
    }
    this.acks.count('delivered');
    const ctx = new MessageContext(this.contextScope, message, d);
    let result: Promise<void> | void;
    try {
      result = this.options.handler(message, ctx);
    } catch (err) {
      return this.handlerFailed(message, d, err);
    }
    // A synchronous handler has finished already; only a pending promise needs the timeout.
    if (result && typeof (result as Promise<void>).then === 'function') return this.settle(result, ctx, message, d);
    this.handlerSucceeded(d);
    return undefined;
  }

  /** Waits for an async handler, failing it when it runs past `handlerTimeoutMs`. */
  private async settle(result: Promise<void>, ctx: MessageContext, message: BusMessage, d: Delivery): Promise<void> {
    let timer: NodeJS.Timeout | undefined;
    const timeout = new Promise<never>((_, reject) => {
      timer = setTimeout(() => {
        ctx.abort();
        reject(new TriplegainError('HANDLER_TIMEOUT', `handler ran past ${this.config.handlerTimeoutMs} ms`));
      }, this.config.handlerTimeoutMs);
    });
    try {
      await Promise.race([result, timeout]);
    } catch (err) {
      clearTimeout(timer);
      await this.handlerFailed(message, d, err);
      return;
    }
    clearTimeout(timer);
    this.handlerSucceeded(d);
  }

  private handlerSucceeded(d: Delivery): void {
    this.acks.ack(d.lane, d.streamId, 'handled');
    if (this.breaker.state !== 'closed' || this.breaker.consecutiveFailures > 0) {
      const change = this.breaker.recordSuccess(Date.now());
      if (change) this.onBreakerChange(change, undefined);
    }
  }

  private handlerFailed(message: BusMessage, d: Delivery, err: unknown): Promise<void> | undefined {
    this.acks.count('failed');
    const change = this.breaker.recordFailure(Date.now());
    if (change) this.onBreakerChange(change, err);
    this.deps.logger.warn(
      {
        err: describeError(err),
        topic: this.topic,
        group: this.group,
        messageId: message.id,
        deliveryCount: d.deliveryCount,
      },
      'bus handler failed',
    );
    if (d.deliveryCount >= this.config.maxDeliveries) return this.deadLetter(d, 'handler_failed', err);
    this.scheduleRetry(d, this.config.retryDelayMs * 2 ** (d.deliveryCount - 1));
    return undefined;
  }

  private async deadLetter(d: Delivery, reason: DeadLetterReason, err: unknown): Promise<void> {
    await this.acks.flush();
    await deadLetterDelivery(
      this.deps,
      { topic: this.topic, group: this.group, consumer: this.consumer },
      d,
      reason,
      err,
    );
  }

  /**
   * Takes the message back after `delayMs` and handles it again. XCLAIM with a min-idle of
   * the delay only succeeds if nobody touched the message since, so a consumer that claimed
   * it in the meantime keeps it.
   */
  private scheduleRetry(d: Delivery, delayMs: number): void {
    const timer = setTimeout(() => {
      this.retryTimers.delete(timer);
      void this.serial(async () => {
        if (!this.running) return;
        const claimed = (await this.deps.redis.xclaim(
          d.lane,
          this.group,
          this.consumer,
          Math.max(0, delayMs - 5),
          d.streamId,
        )) as [string, string[]][];
        const entry = claimed[0];
        if (!entry) return;
        await this.handle({ lane: d.lane, streamId: entry[0], fields: entry[1], deliveryCount: d.deliveryCount + 1 });
        await this.acks.flush();
      });
    }, delayMs);
    timer.unref();
    this.retryTimers.add(timer);
  }

  /**
   * One claim pass over both lanes: claims the messages other (dead or stuck) consumers held
   * past `claimIdleMs`, then removes the consumers gone for `consumerIdleMs` that hold nothing
   * (so after their messages were claimed) and marks this one present, then handles what it
   * claimed. An open circuit claims nothing (it could not handle it) but still does the rest.
   */
  private async claimIdle(): Promise<void> {
    if (!this.running) return;
    for (const lane of [this.lanes.urgent, this.lanes.main]) {
      try {
        const deliveries =
          this.breaker.state === 'open'
            ? []
            : await claimIdleEntries(this.deps.redis, {
                lane,
                group: this.group,
                consumer: this.consumer,
                minIdleMs: this.config.claimIdleMs,
                count: this.config.batchSize,
              });
        const removed = await removeIdleConsumers(this.deps.redis, {
          lane,
          group: this.group,
          consumer: this.consumer,
          idleMs: this.config.consumerIdleMs,
        });
        this.deps.outage.succeeded();
        if (removed.length > 0)
          this.deps.logger.info({ topic: this.topic, group: this.group, lane, removed }, 'bus removed idle consumers');
        if (deliveries.length === 0) continue;
        this.deps.logger.info(
          { topic: this.topic, group: this.group, claimed: deliveries.length },
          'bus claimed idle messages',
        );
        await this.serial(() => this.handleBatch(deliveries));
      } catch (err) {
        if (!this.running) return;
        if (isNoGroup(err)) await this.ensureGroups().catch(() => undefined);
        else this.redisFailed(err, 'claim', 'bus claim failed');
      }
    }
  }

  /**
   * Logs a failure of this subscription's Redis work: while Redis is unavailable, through the
   * bus's outage logger (one line when the outage starts, one when it ends); anything else,
   * which is a bug rather than an outage, as `message` each time.
   */
  private redisFailed(err: unknown, during: string, message: string, level: 'warn' | 'error' = 'warn'): void {
    if (isRedisUnavailable(err)) this.deps.outage.failed(err, { topic: this.topic, group: this.group, during });
    else this.deps.logger[level]({ err: describeError(err), topic: this.topic, group: this.group }, message);
  }

  private onBreakerChange(change: BreakerChange, err: unknown): void {
    reportBreakerChange(
      this.deps,
      { topic: this.topic, group: this.group, consumer: this.consumer, cooldownMs: this.config.breaker.cooldownMs },
      change,
      err,
    );
  }
}
