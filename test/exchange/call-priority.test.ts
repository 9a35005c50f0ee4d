import { setTimeout as delay } from 'node:timers/promises';
import { afterEach, describe, expect } from 'vitest';
import { it } from '../support/fixtures.ts';
import { KrakenExchange } from '../../src/kraken/kraken-exchange.ts';
import { admissionCeiling, KRAKEN_TIER_LIMITS } from '../../src/kraken/kraken-rate-limiter.ts';
import { startKrakenPrivateServer, type KrakenPrivateServer } from '../support/kraken-private-server.ts';
import type { TestRedis } from '../support/test-redis.ts';
import { aKrakenClient, failure } from '../kraken/kraken-builders.ts';

const ARMED = { error: [], result: { currentTime: '2026-01-01T00:00:00Z', triggerTime: '2026-01-01T00:01:00Z' } };

describe("the account's API counter, shared by priority", () => {
  let server: KrakenPrivateServer;
  let t: TestRedis;

  it.beforeEach(async ({ redis }) => {
    t = redis;
    server = await startKrakenPrivateServer();
    server.override('CancelAllOrdersAfter', { body: ARMED });
  });
  afterEach(async () => {
    await server.close();
  });

  /** A Starter-sized counter (15) whose counter already stands at `counter`; it decays slowly enough (0.01 a second) that a loaded machine does not change what the test sees. */
  async function busyAccount(counter: number) {
    const client = aKrakenClient(
      { baseUrl: server.url, redis: t.redis, keys: t.keys },
      { apiLimit: { maxCounter: KRAKEN_TIER_LIMITS.starter.maxCounter, decayPerSec: 0.01 }, maxWaitMs: 300 },
    );
    expect((await client.apiLimiter.tryAcquire(counter)).admitted).toBe(true);
    return { client, exchange: new KrakenExchange({ client }) };
  }
  const sent = (method: string) => server.requests.filter((r) => r.method === method);

  it('keeps headroom for protective calls: Starter 14 / 10 / 7, Pro 19 / 14 / 10', () => {
    expect((['protective', 'trading', 'background'] as const).map((p) => admissionCeiling(15, p))).toEqual([14, 10, 7]);
    expect((['protective', 'trading', 'background'] as const).map((p) => admissionCeiling(20, p))).toEqual([
      19, 14, 10,
    ]);
  });

  it('with the counter at 12, the open orders and the dead man switch still go out while balance reads are held back', async () => {
    const { exchange } = await busyAccount(12);

    // A valuation snapshot (background) is refused at once, never sent.
    const background = await failure(exchange.balances(undefined, { priority: 'background' }));
    expect(background).toMatchObject({
      code: 'EXCHANGE_RATE_LIMITED',
      retryable: true,
      details: { requestSent: false },
    });
    expect(background.message).toMatch(/kept for trading and protective calls/);
    // A trading read waits for the counter to fall to 9: past this client's 300 ms.
    expect(await failure(exchange.availableBalances())).toMatchObject({
      code: 'EXCHANGE_RATE_LIMITED',
      details: { requestSent: false },
    });
    expect(sent('BalanceEx')).toEqual([]);

    // Protective calls use the reserve: the reconciliation's open orders and the switch's re-arm.
    expect(await exchange.openOrders()).toBeInstanceOf(Array);
    expect(await exchange.armDeadManSwitch(60)).toBe(ARMED.result.triggerTime);
    expect(sent('OpenOrders')).toHaveLength(1);
    expect(sent('CancelAllOrdersAfter')).toHaveLength(1);
  });

  it('shares an earlier balance read only while a read of its priority would be admitted: a busy counter holds the reader back as its own read would', async () => {
    const { client, exchange } = await busyAccount(5);
    const first = await exchange.balances();
    expect(await exchange.balances(undefined, { maxAgeMs: 60_000 })).toEqual(first);
    expect(sent('BalanceEx')).toHaveLength(1);

    // The counter climbs to 11, above the trading ceiling (10): the reader is held back (and
    // here gives up after this client's 300 ms), whatever it could have shared.
    expect((await client.apiLimiter.tryAcquire(5)).admitted).toBe(true);
    expect(await failure(exchange.balances(undefined, { maxAgeMs: 60_000 }))).toMatchObject({
      code: 'EXCHANGE_RATE_LIMITED',
      details: { requestSent: false },
    });
    expect(sent('BalanceEx')).toHaveLength(1);
  });

  it('never fills the counter to the top: a protective call waits below Kraken maximum', async () => {
    const { exchange } = await busyAccount(14);
    expect(await failure(exchange.armDeadManSwitch(60))).toMatchObject({
      code: 'EXCHANGE_RATE_LIMITED',
      details: { requestSent: false },
    });
    expect(sent('CancelAllOrdersAfter')).toEqual([]);
  });

  it('equity and free cash read together share one BalanceEx', async () => {
    const { exchange } = await busyAccount(1);
    const [totals, available] = await Promise.all([exchange.balances(), exchange.availableBalances()]);
    expect(totals).toEqual({ USD: '200000.00', BTC: '0.5', ETH: '2.0' });
    expect(available).toEqual({ USD: '200000', BTC: '0.5', ETH: '2' });
    expect(sent('BalanceEx')).toHaveLength(1);
    expect(sent('Balance')).toEqual([]);
  });

  it('a reader that gives up leaves the shared BalanceEx to the others; one nobody waits for is never sent', async () => {
    // Counter at 10.5, decaying 1 a second: a trading read waits about 1.5 s for room.
    const client = aKrakenClient(
      { baseUrl: server.url, redis: t.redis, keys: t.keys },
      { apiLimit: { maxCounter: 15, decayPerSec: 1 }, maxWaitMs: 10_000 },
    );
    await client.apiLimiter.tryAcquire(10.5);
    const exchange = new KrakenExchange({ client });

    const early = new AbortController();
    const patient = new AbortController();
    const leaving = exchange.balances(early.signal);
    const staying = exchange.availableBalances(patient.signal);
    early.abort();
    expect(await failure(leaving)).toMatchObject({ code: 'TIMEOUT' });
    expect(await staying).toEqual({ USD: '200000', BTC: '0.5', ETH: '2' });
    expect(sent('BalanceEx')).toHaveLength(1);

    // The counter stands near 10 again, a wait of about a second. Both readers give up while the
    // read still waits for room: it is dropped, not sent later.
    const first = new AbortController();
    const second = new AbortController();
    const reads = [exchange.balances(first.signal), exchange.availableBalances(second.signal)].map((read) =>
      failure(read),
    );
    first.abort();
    second.abort();
    for (const err of await Promise.all(reads)) expect(err).toMatchObject({ code: 'TIMEOUT' });
    // A quiet window longer than the wait for room: nothing may arrive in it.
    await delay(3_000);
    expect(sent('BalanceEx')).toHaveLength(1);
  });
});
