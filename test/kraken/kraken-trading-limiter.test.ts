import { describe, expect } from 'vitest';
import { it } from '../support/fixtures.ts';
import { krakenAccountKeys } from '../../src/kraken/kraken-account-keys.ts';
import {
  cancelPenalty,
  KRAKEN_ADD_ORDER_COST,
  KRAKEN_TRADING_TIER_LIMITS,
  KrakenTradingLimiter,
} from '../../src/kraken/kraken-trading-limiter.ts';
import { type TestRedis } from '../support/test-redis.ts';

describe('cancelPenalty', () => {
  it.each([
    [0, 8],
    [4_999, 8],
    [5_000, 6],
    [9_999, 6],
    [10_000, 5],
    [14_999, 5],
    [15_000, 4],
    [44_999, 4],
    [45_000, 2],
    [89_999, 2],
    [90_000, 1],
    [299_999, 1],
    [300_000, 0],
    [86_400_000, 0],
  ])('charges an order cancelled at %i ms of age %i', (ageMs, penalty) => {
    expect(cancelPenalty(ageMs)).toBe(penalty);
  });
});

describe('KrakenTradingLimiter', () => {
  let t: TestRedis;
  const keys = () => krakenAccountKeys(t.keys, 'acct');
  it.beforeEach(({ redis }) => {
    t = redis;
  });

  it("uses Kraken's matching-engine thresholds and decay per tier", () => {
    expect(KRAKEN_TRADING_TIER_LIMITS).toEqual({
      starter: { maxCounter: 60, decayPerSec: 1 },
      intermediate: { maxCounter: 125, decayPerSec: 2.34 },
      pro: { maxCounter: 180, decayPerSec: 3.75 },
    });
    expect(KRAKEN_ADD_ORDER_COST).toBe(1);
  });

  it('keeps one counter per pair: 60 orders fill the starter BTC/USD counter and leave XRP/USD alone', async () => {
    const limiter = KrakenTradingLimiter.forTier('starter', { redis: t.redis, keys: keys() });
    const btc = limiter.limiterFor('BTC/USD');
    const startedMs = performance.now();
    for (let i = 0; i < 60; i++) expect((await btc.tryAcquire(KRAKEN_ADD_ORDER_COST)).admitted).toBe(true);
    const refused = await btc.tryAcquire(KRAKEN_ADD_ORDER_COST);
    const elapsedMs = performance.now() - startedMs;
    expect(refused.admitted).toBe(false);
    // One unit decays a second: the wait is a second less what decayed while the 60 went in
    // (more on a loaded machine), never more.
    expect(refused.waitMs).toBeGreaterThanOrEqual(1_000 - elapsedMs - 1);
    expect(refused.waitMs).toBeLessThanOrEqual(1_000);
    expect((await limiter.limiterFor('XRP/USD').tryAcquire(KRAKEN_ADD_ORDER_COST)).admitted).toBe(true);
    expect(limiter.limiterFor('BTC/USD')).toBe(btc);
  });

  it('admits 6 young cancels after 10 orders and refuses the 7th (10 + 6 × 8 = 58 ≤ 60 < 66)', async () => {
    const btc = KrakenTradingLimiter.forTier('starter', { redis: t.redis, keys: keys() }).limiterFor('BTC/USD');
    for (let i = 0; i < 10; i++) await btc.tryAcquire(KRAKEN_ADD_ORDER_COST);
    for (let i = 0; i < 6; i++) expect((await btc.tryAcquire(cancelPenalty(1_000))).admitted).toBe(true);
    expect((await btc.tryAcquire(cancelPenalty(1_000))).admitted).toBe(false);
    // An order cancelled after 5 minutes costs nothing and needs no admission.
    expect(cancelPenalty(300_000)).toBe(0);
  });

  it('measures the age of an order from when its placement was recorded, in Redis time', async () => {
    const limiter = new KrakenTradingLimiter({ redis: t.redis, keys: keys(), limits: KRAKEN_TRADING_TIER_LIMITS.pro });
    expect(await limiter.placedOrder('OUF4EM-FRGI2-MQMWZD')).toBeNull();
    await limiter.recordPlaced('OUF4EM-FRGI2-MQMWZD', 'BTC/USD');
    const fresh = await limiter.placedOrder('OUF4EM-FRGI2-MQMWZD');
    expect(fresh).toEqual({ symbol: 'BTC/USD', ageMs: expect.any(Number) });
    expect(fresh!.ageMs).toBeLessThan(100);

    const [seconds] = await t.redis.time();
    await t.redis.set(keys().placedOrder('O-OLD'), `XRP/USD ${Number(seconds) * 1000 - 40_000}`);
    const old = await limiter.placedOrder('O-OLD');
    expect(old!.symbol).toBe('XRP/USD');
    expect(cancelPenalty(old!.ageMs)).toBe(4);

    const ttl = await t.redis.pttl(keys().placedOrder('OUF4EM-FRGI2-MQMWZD'));
    expect(ttl).toBeGreaterThan(23 * 3_600_000);
  });
});
