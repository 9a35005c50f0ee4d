import type { BusMessage } from './envelope.ts';
import { onceInRedis, type OnceResult } from './idempotency.ts';
import type { MessageType, PayloadInput } from './message-catalog.ts';
import type { PublishOptions, PublishedMessage } from './publish-options.ts';
import type { HandlerContext, SubscriptionDeps } from './subscribe-options.ts';

/** What every handler context of one subscription shares. */
export interface ContextScope {
  deps: SubscriptionDeps;
  group: string;
  consumer: string;
  /** Lock time of `once`: the claim idle time, after which another consumer may take over. */
  lockMs: number;
}

/**
 * The `HandlerContext` of one delivery. Its methods live on the prototype (call them as
 * `ctx.publish(…)`, `ctx.once(…)`), so a message costs one small object, not a set of closures.
 */
export class MessageContext implements HandlerContext {
  readonly deliveryCount: number;
  readonly streamId: string;
  readonly group: string;
  readonly consumer: string;
  private controller?: AbortController;

  constructor(
    private readonly scope: ContextScope,
    private readonly message: BusMessage,
    delivery: { deliveryCount: number; streamId: string },
  ) {
    this.deliveryCount = delivery.deliveryCount;
    this.streamId = delivery.streamId;
    this.group = scope.group;
    this.consumer = scope.consumer;
  }

  /** Created on first use: most handlers never look at it. */
  get signal(): AbortSignal {
    this.controller ??= new AbortController();
    return this.controller.signal;
  }

  /** Aborts `signal` (if anyone asked for it). */
  abort(): void {
    this.controller?.abort();
  }

  publish<T extends MessageType>(
    type: T,
    payload: PayloadInput<T>,
    options?: PublishOptions,
  ): Promise<PublishedMessage<T>> {
    return this.scope.deps.publish(type, payload, { causedBy: this.message, ...options });
  }

  once<T>(fn: () => Promise<T>): Promise<OnceResult<T>> {
    const { deps, group, lockMs } = this.scope;
    return onceInRedis(
      deps.redis,
      deps.keys.idempotency(group, this.message.id),
      { ttlMs: deps.config.idempotencyTtlMs, lockMs },
      fn,
    );
  }
}
