import { describe, expect } from 'vitest';
import { it } from '../support/fixtures.ts';
import { krakenAccountId, krakenAccountKeys } from '../../src/kraken/kraken-account-keys.ts';
import { KrakenAccountLock } from '../../src/kraken/kraken-account-lock.ts';
import { type TestRedis } from '../support/test-redis.ts';
import { TEST_API_KEY } from '../support/kraken-private-server.ts';
import { waitFor } from '../support/wait-for.ts';

describe('KrakenAccountLock', () => {
  let t: TestRedis;
  const keys = () => krakenAccountKeys(t.keys, krakenAccountId(TEST_API_KEY));
  it.beforeEach(({ redis }) => {
    t = redis;
  });

  it('names the account without the API key in it', () => {
    const id = krakenAccountId(TEST_API_KEY);
    expect(id).toMatch(/^[0-9a-f]{16}$/);
    expect(keys().lock).not.toContain(TEST_API_KEY);
    expect(krakenAccountId('another key')).not.toBe(id);
  });

  it('lets one holder at a time take the lock, until it releases it', async () => {
    const lock = new KrakenAccountLock({ redis: t.redis, keys: keys(), holdMs: 5_000 });
    const first = await lock.tryAcquire();
    expect(first).not.toBeNull();
    expect(await lock.tryAcquire()).toBeNull();
    await lock.release('not-the-holder');
    expect(await lock.tryAcquire()).toBeNull();
    await lock.release(first!);
    expect(await lock.tryAcquire()).not.toBeNull();
  });

  it('hands out nonces strictly above the last one and never below the Redis clock in µs', async () => {
    const lock = new KrakenAccountLock({ redis: t.redis, keys: keys(), holdMs: 5_000 });
    const token = (await lock.tryAcquire())!;
    const [seconds, micros] = await t.redis.time();
    const nowUs = Number(seconds) * 1_000_000 + Number(micros);
    const nonces: number[] = [];
    for (let i = 0; i < 50; i++) nonces.push(await lock.nextNonce(token));
    expect(nonces[0]).toBeGreaterThanOrEqual(nowUs);
    expect(Number.isSafeInteger(nonces[0])).toBe(true);
    nonces.slice(1).forEach((n, i) => expect(n).toBeGreaterThan(nonces[i]!));

    // Ahead of the clock (a burst, or a clock that went back): still above the last.
    await t.redis.set(keys().nonce, String(nowUs + 10_000_000_000));
    expect(await lock.nextNonce(token)).toBe(nowUs + 10_000_000_001);
    // Lost (a flushed Redis): back on the clock, which is past every nonce it handed out before.
    await t.redis.del(keys().nonce);
    expect(await lock.nextNonce(token)).toBeGreaterThanOrEqual(nonces.at(-1)!);
  });

  it('gives no nonce to a holder whose lock expired, and extends a live one from its nonce', async () => {
    const lock = new KrakenAccountLock({ redis: t.redis, keys: keys(), holdMs: 150 });
    const token = (await lock.tryAcquire())!;
    await new Promise((r) => setTimeout(r, 100));
    await lock.nextNonce(token);
    expect(await t.redis.pttl(keys().lock)).toBeGreaterThan(100);
    await waitFor(async () => (await t.redis.exists(keys().lock)) === 0, 'the lock to expire', undefined, 10);
    await expect(lock.nextNonce(token)).rejects.toMatchObject({ code: 'BUSY', details: { requestSent: false } });
  });
});
