import { z } from 'zod';

const ms = (min: number, max: number) => z.number().int().min(min).max(max);

/** Per-topic overrides of the bus defaults. */
export const TopicRetentionConfig = z
  .object({
    ttlMs: ms(1_000, 7 * 86_400_000).optional(),
    maxAgeMs: ms(60_000, 90 * 86_400_000).optional(),
    maxLen: z.number().int().min(100).max(100_000_000).optional(),
  })
  .strict();
export type TopicRetentionConfig = z.infer<typeof TopicRetentionConfig>;

export const BusConfig = z
  .object({
    /** A message not handled this long after publish is acked and counted as expired. */
    defaultTtlMs: ms(1_000, 7 * 86_400_000).default(300_000),
    /** Deliveries after which a failing message moves to `tg:dlq:<topic>`. */
    maxDeliveries: z.number().int().min(1).max(100).default(5),
    /** A message held this long by a consumer that does not ack it is claimed by another. */
    claimIdleMs: ms(100, 3_600_000).default(30_000),
    /** How often each subscription looks for messages to claim. */
    claimIntervalMs: ms(50, 600_000).default(5_000),
    /**
     * A consumer of a group that has not touched Redis for this long and holds no pending
     * message is removed from the group (XGROUP DELCONSUMER) by the next claim pass of any
     * other consumer of the group. Live consumers touch Redis on every claim pass, so this must
     * exceed `claimIntervalMs` several times over (at least 3×, and at least `claimIdleMs`).
     */
    consumerIdleMs: ms(1_000, 7 * 86_400_000).default(600_000),
    /** First retry delay after a handler failure; doubles per delivery. */
    retryDelayMs: ms(0, 600_000).default(500),
    /** A handler that runs longer than this has failed (its message will be retried). */
    handlerTimeoutMs: ms(10, 3_600_000).default(10_000),
    /**
     * Largest message, in bytes of its stream fields (names and values, UTF-8). Publish refuses
     * a bigger one (MESSAGE_INVALID, nothing written); a consumer dead-letters a bigger entry
     * it reads (reason `oversized`, values cut to their first KiB) instead of handling it.
     */
    maxMessageBytes: z
      .number()
      .int()
      .min(1_024)
      .max(64 * 1_048_576)
      .default(65_536),
    /** Entries read per XREADGROUP call. */
    batchSize: z.number().int().min(1).max(1_000).default(32),
    /** How long a consumer blocks in XREADGROUP before looping. */
    blockMs: ms(10, 60_000).default(2_000),
    breaker: z
      .object({
        /** Consecutive handler failures that open a subscription's circuit. */
        failureThreshold: z.number().int().min(1).max(1_000).default(5),
        /** How long an open circuit stops reading before it tries one message. */
        cooldownMs: ms(10, 3_600_000).default(30_000),
      })
      .strict()
      .prefault({}),
    retention: z
      .object({
        /** Entries older than this are trimmed, unless still pending or undelivered. */
        maxAgeMs: ms(60_000, 90 * 86_400_000).default(86_400_000),
        /** At most this many entries are kept per lane, pending ones excepted. */
        maxLen: z.number().int().min(100).max(100_000_000).default(100_000),
        /** How often each process trims the topics. */
        intervalMs: ms(1_000, 3_600_000).default(60_000),
        /** Dead-letter streams keep at most this many entries. */
        dlqMaxLen: z.number().int().min(100).max(10_000_000).default(10_000),
      })
      .strict()
      .prefault({}),
    /** How long the idempotency helper remembers that a message's side effect happened. */
    idempotencyTtlMs: ms(60_000, 90 * 86_400_000).default(7 * 86_400_000),
    /** Overrides per topic name (e.g. `market_data: { ttlMs: 120000 }`). */
    topics: z.record(z.string(), TopicRetentionConfig).default({}),
  })
  .strict()
  .superRefine((c, ctx) => {
    const floor = Math.max(3 * c.claimIntervalMs, c.claimIdleMs);
    if (c.consumerIdleMs < floor) {
      ctx.addIssue({
        code: 'custom',
        path: ['consumerIdleMs'],
        message: `must be at least ${floor} (3 × claimIntervalMs and at least claimIdleMs): live consumers touch Redis once per claim pass`,
      });
    }
  });
export type BusConfig = z.infer<typeof BusConfig>;
