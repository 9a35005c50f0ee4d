import { kraken } from 'ccxt';
import { Redis } from 'ioredis';
import { afterEach, describe, expect } from 'vitest';
import { it } from '../support/fixtures.ts';
import { krakenAccountId, krakenAccountKeys } from '../../src/kraken/kraken-account-keys.ts';
import { KrakenExchange } from '../../src/kraken/kraken-exchange.ts';
import { KrakenPrivateClient } from '../../src/kraken/kraken-private-client.ts';
import type { PrivateRequestInfo } from '../../src/kraken/kraken-private-call.ts';
import { createKeys } from '../../src/keys.ts';
import {
  startKrakenPrivateServer,
  TEST_API_KEY,
  TEST_API_SECRET,
  type KrakenPrivateServer,
} from '../support/kraken-private-server.ts';
import type { TestRedis } from '../support/test-redis.ts';
import { aKrakenClient, anOrder, countingLimiter, failure, krakenConfig } from './kraken-builders.ts';
import { scaled } from '../support/test-timing.ts';

describe('KrakenPrivateClient', () => {
  let server: KrakenPrivateServer;
  let t: TestRedis;
  const extra: Redis[] = [];

  it.beforeEach(async ({ redis }) => {
    t = redis;
    server = await startKrakenPrivateServer();
  });
  afterEach(async () => {
    await server.close();
    for (const r of extra.splice(0)) r.disconnect();
  });

  /** A client on a Redis connection of its own, as another replica would have. */
  function replica(overrides: Parameters<typeof aKrakenClient>[1] = {}): KrakenPrivateClient {
    const redis = new Redis(t.url, { maxRetriesPerRequest: 3 });
    extra.push(redis);
    return aKrakenClient({ baseUrl: server.url, redis, keys: createKeys(t.prefix) }, overrides);
  }
  const accountKeys = () => krakenAccountKeys(t.keys, krakenAccountId(TEST_API_KEY));

  it('refuses to start without credentials', () => {
    expect(
      () =>
        new KrakenPrivateClient({
          config: krakenConfig(server.url, { apiKey: '' }),
          redis: t.redis,
          keys: t.keys,
          publicLimiter: countingLimiter(),
        }),
    ).toThrow(expect.objectContaining({ code: 'CONFIG_INVALID' }));
    expect(
      () =>
        new KrakenPrivateClient({
          config: krakenConfig(server.url, { apiSecret: 'not base64!' }),
          redis: t.redis,
          keys: t.keys,
          publicLimiter: countingLimiter(),
        }),
    ).toThrow(expect.objectContaining({ code: 'CONFIG_INVALID' }));
  });

  it('signs with the configured secret: Kraken refuses another one, for good', async () => {
    const wrongSecret = aKrakenClient(
      { baseUrl: server.url, redis: t.redis, keys: t.keys },
      { config: krakenConfig(server.url, { apiSecret: Buffer.from('some other secret').toString('base64') }) },
    );
    const err = await failure(wrongSecret.call('Balance', {}));
    expect(err).toMatchObject({
      code: 'EXCHANGE_REJECTED',
      retryable: false,
      details: { krakenError: 'EAPI:Invalid signature' },
    });
    expect(server.requests.map((r) => r.verdict)).toEqual(['invalid-signature']);

    await replica().call('Balance', {});
    expect(server.requests.map((r) => r.verdict)).toEqual(['invalid-signature', 'accepted']);
  });

  it('keeps the nonces of three replicas bursting at once strictly increasing at Kraken', async () => {
    const replicas = [replica(), replica(), replica()];
    await Promise.all(replicas.flatMap((client) => Array.from({ length: 20 }, () => client.call('OpenOrders', {}))));
    expect(server.requests).toHaveLength(60);
    expect(server.requests.every((r) => r.verdict === 'accepted')).toBe(true);
    server.requests.slice(1).forEach((r, i) => expect(r.nonce).toBeGreaterThan(server.requests[i]!.nonce));
  });

  it("would see invalid nonces with ccxt's own clock nonces (control: the server catches what the lock prevents)", async () => {
    const plain = [0, 1].map(() => {
      const exchange = new kraken({
        apiKey: TEST_API_KEY,
        secret: TEST_API_SECRET,
        enableRateLimit: false,
        timeout: scaled(2_000),
      });
      const api = exchange.urls['api'] as Record<string, string>;
      api['private'] = server.url;
      return exchange;
    });
    await Promise.all(
      plain.flatMap((exchange) =>
        Array.from({ length: 10 }, () => exchange.privatePostOpenOrders({}).catch(() => undefined)),
      ),
    );
    expect(server.requests).toHaveLength(20);
    expect(server.requests.filter((r) => r.verdict === 'invalid-nonce').length).toBeGreaterThan(0);
  });

  it('admits calls by the API counter: history calls cost 2, order calls nothing', async () => {
    const seen: PrivateRequestInfo[] = [];
    const client = replica({ apiLimit: { maxCounter: 4, decayPerSec: 20 }, onRequest: (r) => seen.push(r) });
    const exchange = new KrakenExchange({ client });
    const startedAt = performance.now();
    for (let i = 0; i < 4; i++) await exchange.closedOrders(0);
    // 8 units through a counter of 4 that regains 20 a second: 4 units of waiting, 200 ms.
    expect(performance.now() - startedAt).toBeGreaterThanOrEqual(180);
    expect(seen.map((r) => r.method)).toEqual(['ClosedOrders', 'ClosedOrders', 'ClosedOrders', 'ClosedOrders']);
    expect(Math.max(...seen.map((r) => r.counter!))).toBeLessThanOrEqual(4);
    expect(seen[0]!.counter).toBeCloseTo(2, 1);

    // A market order: a resting one first counts the pair's open orders (OpenOrders, 1 unit).
    const apiBefore = await client.apiLimiter.counter();
    await exchange.placeOrder(anOrder({ type: 'market', limitPrice: undefined }));
    expect(seen.at(-1)).toMatchObject({ method: 'AddOrder', counter: expect.any(Number) });
    expect(await client.apiLimiter.counter()).toBeLessThanOrEqual(apiBefore);
  });

  it('releases the account after every call, a timed-out one included', async () => {
    const client = replica();
    await client.call('Balance', {});
    expect(await t.redis.exists(accountKeys().lock)).toBe(0);
    server.override('Balance', { hang: 'headers', times: 1 });
    expect(await failure(client.call('Balance', {}))).toMatchObject({ code: 'TIMEOUT' });
    expect(await t.redis.exists(accountKeys().lock)).toBe(0);
    await client.call('Balance', {});
    expect(server.requests.map((r) => r.verdict)).toEqual(['accepted', 'accepted', 'accepted']);
  });

  it('waits for a lock left by a replica that died, until it expires', async () => {
    await t.redis.set(accountKeys().lock, 'dead-replica', 'PX', 300);
    const startedAt = performance.now();
    await replica().call('Balance', {});
    expect(performance.now() - startedAt).toBeGreaterThanOrEqual(250);
  });

  it('gives up, without sending, when the account stays busy past maxWaitMs', async () => {
    await t.redis.set(accountKeys().lock, 'slow-replica', 'PX', 10_000);
    const err = await failure(replica({ maxWaitMs: 200 }).call('Balance', {}));
    expect(err).toMatchObject({ code: 'BUSY', retryable: true, details: { requestSent: false } });
    expect(server.requests).toEqual([]);
  });

  it('stops waiting when the caller aborts, without sending', async () => {
    await t.redis.set(accountKeys().lock, 'slow-replica', 'PX', 10_000);
    const controller = new AbortController();
    setTimeout(() => controller.abort(), 50);
    const err = await failure(replica().call('Balance', {}, { signal: controller.signal }));
    expect(err).toMatchObject({ code: 'TIMEOUT', details: { requestSent: false } });
    expect(server.requests).toEqual([]);
  });
});
