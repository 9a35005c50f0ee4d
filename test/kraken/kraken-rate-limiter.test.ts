import { Redis } from 'ioredis';
import { afterEach, describe, expect } from 'vitest';
import { it } from '../support/fixtures.ts';
import {
  KRAKEN_PRIVATE_CALL_COST,
  KRAKEN_TIER_LIMITS,
  KrakenRateLimiter,
  type RateLimitDecision,
} from '../../src/kraken/kraken-rate-limiter.ts';
import type { TestRedis } from '../support/test-redis.ts';
import { sleep } from '../support/wait-for.ts';

describe('KrakenRateLimiter', () => {
  let t: TestRedis;
  const extra: Redis[] = [];
  it.beforeEach(async ({ redis }) => {
    t = redis;
  });
  afterEach(async () => {
    for (const r of extra.splice(0)) r.disconnect();
  });

  /** A limiter on a connection of its own, as another replica would have. */
  function replica(
    params: { maxCounter: number; decayPerSec: number; maxWaitMs?: number },
    name = 'kraken:public',
  ): KrakenRateLimiter {
    const redis = new Redis(t.url, { maxRetriesPerRequest: 3 });
    extra.push(redis);
    return new KrakenRateLimiter({ redis, key: t.keys.rateLimit(name), ...params });
  }

  it('keeps three replicas bursting together within the modelled counter, admitting at the decay rate', async () => {
    const params = { maxCounter: 5, decayPerSec: 20 };
    const limiters = [replica(params), replica(params), replica(params)];
    const admitted: { atMs: number; decision: RateLimitDecision }[] = [];
    const startedAt = performance.now();

    await Promise.all(
      limiters.flatMap((limiter) =>
        Array.from({ length: 10 }, async () => {
          const decision = await limiter.acquire(1);
          admitted.push({ atMs: performance.now() - startedAt, decision });
        }),
      ),
    );

    expect(admitted).toHaveLength(30);
    expect(Math.max(...admitted.map((a) => a.decision.counter))).toBeLessThanOrEqual(5);
    // Never more calls by time t than the burst plus what decayed by then (one of slack for timing).
    admitted.sort((a, b) => a.atMs - b.atMs);
    admitted.forEach((a, i) => expect(i + 1).toBeLessThanOrEqual(5 + (a.atMs * 20) / 1000 + 1));
    // 25 calls beyond the burst at 20/s take at least 1.25 s.
    expect(admitted.at(-1)!.atMs).toBeGreaterThanOrEqual(1_150);
  });

  it('decays the counter over time and lets the key expire once it is empty', async () => {
    const limiter = replica({ maxCounter: 5, decayPerSec: 20 });
    for (let i = 0; i < 5; i++) expect((await limiter.tryAcquire(1)).admitted).toBe(true);
    const refused = await limiter.tryAcquire(1);
    expect(refused.admitted).toBe(false);
    expect(refused.waitMs).toBeGreaterThan(0);
    expect(refused.waitMs).toBeLessThanOrEqual(50);

    expect(await limiter.counter()).toBeGreaterThan(4);
    await sleep(100);
    const decayed = await limiter.counter();
    expect(decayed).toBeLessThan(3.5);
    expect(decayed).toBeGreaterThan(0.5);
    expect((await limiter.tryAcquire(2)).admitted).toBe(true);

    const ttl = await t.redis.pttl(t.keys.rateLimit('kraken:public'));
    expect(ttl).toBeGreaterThan(0);
    expect(ttl).toBeLessThanOrEqual(Math.ceil((5 * 1000) / 20) + 1000);
  });

  it('counts an idle counter as empty, not below empty', async () => {
    const limiter = replica({ maxCounter: 5, decayPerSec: 20 });
    const [seconds] = await t.redis.time();
    await t.redis.hset(
      t.keys.rateLimit('kraken:public'),
      'counter',
      '5',
      'ts',
      String((Number(seconds) - 3_600) * 1000),
    );
    for (let i = 0; i < 5; i++) expect((await limiter.tryAcquire(1)).admitted).toBe(true);
    expect((await limiter.tryAcquire(1)).admitted).toBe(false);
  });

  it('does not let a stored time in the future grow the counter', async () => {
    const limiter = replica({ maxCounter: 5, decayPerSec: 20 });
    const [seconds] = await t.redis.time();
    await t.redis.hset(
      t.keys.rateLimit('kraken:public'),
      'counter',
      '1',
      'ts',
      String((Number(seconds) + 3_600) * 1000),
    );
    expect(await limiter.counter()).toBe(1);
    expect((await limiter.tryAcquire(4)).admitted).toBe(true);
  });

  it('charges history calls their cost of 2', async () => {
    const limiter = replica({ maxCounter: 3, decayPerSec: 0.01 });
    expect((await limiter.tryAcquire(2)).counter).toBeCloseTo(2, 3);
    expect((await limiter.tryAcquire(2)).admitted).toBe(false);
    expect((await limiter.tryAcquire(1)).admitted).toBe(true);
  });

  it('fails at once, retryably, when the wait would pass the deadline', async () => {
    const limiter = replica({ maxCounter: 1, decayPerSec: 0.1, maxWaitMs: 200 });
    await limiter.acquire(1);
    const startedAt = performance.now();
    const err = await limiter.acquire(1).catch((e: unknown) => e);
    expect(performance.now() - startedAt).toBeLessThan(150);
    expect(err).toMatchObject({ code: 'EXCHANGE_RATE_LIMITED', retryable: true });
    expect((err as { details: { waitMs: number } }).details.waitMs).toBeGreaterThan(9_000);
  });

  it('waits when the wait fits in the deadline', async () => {
    const limiter = replica({ maxCounter: 1, decayPerSec: 10, maxWaitMs: 1_000 });
    await limiter.acquire(1);
    const startedAt = performance.now();
    await limiter.acquire(1);
    expect(performance.now() - startedAt).toBeGreaterThanOrEqual(80);
  });

  it('refuses a cost the counter can never admit', async () => {
    const limiter = replica({ maxCounter: 2, decayPerSec: 1 });
    await expect(limiter.acquire(3)).rejects.toMatchObject({ code: 'CONFIG_INVALID' });
    await expect(limiter.acquire(0)).rejects.toMatchObject({ code: 'CONFIG_INVALID' });
    expect(() => replica({ maxCounter: 2, decayPerSec: 0 })).toThrow(/decayPerSec/);
  });

  it('keeps separate counters under separate keys (public endpoints apart from the account)', async () => {
    const publicLimiter = replica({ maxCounter: 1, decayPerSec: 0.01 }, 'kraken:public');
    const privateLimiter = replica({ maxCounter: 1, decayPerSec: 0.01 }, 'kraken:private');
    expect((await publicLimiter.tryAcquire(1)).admitted).toBe(true);
    expect((await privateLimiter.tryAcquire(1)).admitted).toBe(true);
    expect((await publicLimiter.tryAcquire(1)).admitted).toBe(false);
  });

  it('uses Kraken tier parameters for the account limiter', async () => {
    expect(KRAKEN_TIER_LIMITS).toEqual({
      starter: { maxCounter: 15, decayPerSec: 0.33 },
      intermediate: { maxCounter: 20, decayPerSec: 0.5 },
      pro: { maxCounter: 20, decayPerSec: 1 },
    });
    const starter = KrakenRateLimiter.forTier('starter', { redis: t.redis, key: t.keys.rateLimit('kraken:private') });
    for (let i = 0; i < 15; i++) expect((await starter.tryAcquire(1)).admitted).toBe(true);
    const refused = await starter.tryAcquire(1);
    expect(refused.admitted).toBe(false);
    expect(refused.waitMs).toBeGreaterThan(2_000);
  });

  it('backs off after Kraken refused: the counter is full for every replica until it decays', async () => {
    const params = { maxCounter: 5, decayPerSec: 20 };
    const [a, b] = [replica(params), replica(params)];
    expect((await a.tryAcquire(1)).admitted).toBe(true);
    expect(await a.backOff()).toBeCloseTo(1, 0);
    const refused = await b.tryAcquire(1);
    expect(refused.admitted).toBe(false);
    expect(refused.waitMs).toBeGreaterThan(30);
    expect(refused.waitMs).toBeLessThanOrEqual(50);
    await sleep(60);
    expect((await b.tryAcquire(1)).admitted).toBe(true);
    const ttl = await t.redis.pttl(t.keys.rateLimit('kraken:public'));
    expect(ttl).toBeGreaterThan(0);
    expect(ttl).toBeLessThanOrEqual(Math.ceil((5 * 1000) / 20) + 1000);
  });

  it('charges history calls 2 and the order calls nothing on the API counter', () => {
    expect(KRAKEN_PRIVATE_CALL_COST).toMatchObject({
      Balance: 1,
      OpenOrders: 1,
      QueryOrders: 1,
      ClosedOrders: 2,
      TradesHistory: 2,
      QueryTrades: 2,
      Ledgers: 2,
      AddOrder: 0,
      CancelOrder: 0,
    });
  });
});
