import { afterEach, describe, expect } from 'vitest';
import { it } from '../support/fixtures.ts';
import { ExecutionConfig } from '../../src/config/sections/execution-config.ts';
import { InstrumentBook } from '../../src/market/instrument-book.ts';
import { KrakenPublicClient } from '../../src/kraken/kraken-public-client.ts';
import {
  ASSET_PAIRS_MAX_AGE_MS,
  openInstrumentBook,
  type OpenedInstrumentBook,
} from '../../src/market/open-instrument-book.ts';
import { silentLogger } from '../../src/shared/logger.ts';
import { countingLimiter } from '../kraken/kraken-builders.ts';
import { startKrakenFixtureServer, type KrakenFixtureServer } from '../support/kraken-fixture-server.ts';
import type { TestRedis } from '../support/test-redis.ts';

const WALL_MS = Date.UTC(2026, 0, 5, 12);

/** Kraken's XBT/USD entry as it may be answered live: other minimums and leverage than the shipped file's. */
const liveXbtUsd = {
  altname: 'XBTUSD',
  wsname: 'XBT/USD',
  base: 'XXBT',
  quote: 'ZUSD',
  pair_decimals: 1,
  lot_decimals: 8,
  cost_decimals: 5,
  tick_size: '0.1',
  ordermin: '0.00005',
  costmin: '0.5',
  leverage_buy: [2, 3],
  leverage_sell: [2, 3],
};
/** A pair the shipped file does not have. */
const liveEthUsd = {
  ...liveXbtUsd,
  altname: 'ETHUSD',
  wsname: 'ETH/USD',
  base: 'XETH',
  pair_decimals: 2,
  tick_size: '0.01',
  ordermin: '0.002',
};

describe('openInstrumentBook', () => {
  let t: TestRedis;
  let server: KrakenFixtureServer;
  const opened: OpenedInstrumentBook[] = [];

  it.beforeEach(async ({ redis }) => {
    t = redis;
    server = await startKrakenFixtureServer();
    server.override('/0/public/AssetPairs', {
      body: { error: [], result: { XXBTZUSD: liveXbtUsd, XETHZUSD: liveEthUsd, 'XBTUSD.d': { altname: 'XBTUSD.d' } } },
    });
  });
  afterEach(async () => {
    for (const o of opened.splice(0)) o.stop();
    await server.close();
  });

  const config = (exchange: 'paper' | 'kraken', instruments: Record<string, unknown> = {}) => ({
    execution: ExecutionConfig.parse({ exchange, instruments }),
  });
  const live = () =>
    new KrakenPublicClient({
      config: { baseUrl: server.url, timeoutMs: 2_000 },
      limiter: countingLimiter(),
    }).fetchAssetPairs();
  const unreachable = async (): Promise<Record<string, unknown>> => {
    throw new Error('connect ECONNREFUSED');
  };
  async function open(
    exchange: 'paper' | 'kraken',
    loadAssetPairs: () => Promise<Record<string, unknown>>,
    wallMs = WALL_MS,
    instruments: Record<string, unknown> = {},
  ) {
    const book = await openInstrumentBook({
      config: config(exchange, instruments),
      redis: t.redis,
      keys: t.keys,
      logger: silentLogger,
      loadAssetPairs,
      wallNowMs: () => wallMs,
    });
    opened.push(book);
    return book.book;
  }
  const assetPairsRequests = () => server.requests.filter((r) => r.path === '/0/public/AssetPairs').length;

  it("trades on Kraken by the live AssetPairs: its minimums and leverage, pairs the shipped file lacks, the config's overrides on top", async () => {
    const book = await open('kraken', live, WALL_MS, {
      'XRP/USD': { krakenPair: 'XXRPZUSD', priceDecimals: 5, tickSize: '0.00001', lotDecimals: 8, orderMin: '10' },
    });
    expect(book.get('BTC/USD')).toMatchObject({
      krakenPair: 'XXBTZUSD',
      orderMin: '0.00005',
      leverageBuy: [2, 3],
      leverageSell: [2, 3],
    });
    expect(book.get('ETH/USD')).toMatchObject({ krakenPair: 'XETHZUSD', tickSize: '0.01', priceDecimals: 2 });
    expect(book.get('XRP/USD').orderMin).toBe('10');
    expect(InstrumentBook.shipped().find('ETH/USD')).toBeUndefined();
    expect(assetPairsRequests()).toBe(1);
  });

  it('caches the answer in Redis under the key scheme, so a replica starting within the day reads no network', async () => {
    await open('kraken', live);
    const cached = JSON.parse((await t.redis.get(t.keys.krakenAssetPairs))!) as {
      fetchedAtMs: number;
      result: Record<string, unknown>;
    };
    expect(cached.fetchedAtMs).toBe(WALL_MS);
    expect(Object.keys(cached.result)).toContain('XXBTZUSD');

    let liveCalls = 0;
    const book = await open(
      'kraken',
      async () => {
        liveCalls++;
        return live();
      },
      WALL_MS + ASSET_PAIRS_MAX_AGE_MS - 1,
    );
    expect(book.get('BTC/USD').orderMin).toBe('0.00005');
    expect(liveCalls).toBe(0);
    expect(assetPairsRequests()).toBe(1);
  });

  it('reads the rules again from Kraken once the cache is a day old (wall time)', async () => {
    await open('kraken', live);
    server.override('/0/public/AssetPairs', {
      body: { error: [], result: { XXBTZUSD: { ...liveXbtUsd, ordermin: '0.0003' } } },
    });
    const book = await open('kraken', live, WALL_MS + ASSET_PAIRS_MAX_AGE_MS);
    expect(book.get('BTC/USD').orderMin).toBe('0.0003');
    expect(JSON.parse((await t.redis.get(t.keys.krakenAssetPairs))!)).toMatchObject({
      fetchedAtMs: WALL_MS + ASSET_PAIRS_MAX_AGE_MS,
    });
  });

  it('refreshes the rules in place, daily: every holder of the book sees the new ones', async () => {
    let wallMs = WALL_MS;
    const refreshing = await openInstrumentBook({
      config: config('kraken'),
      redis: t.redis,
      keys: t.keys,
      logger: silentLogger,
      loadAssetPairs: live,
      wallNowMs: () => wallMs,
    });
    try {
      const held = refreshing.book;
      server.override('/0/public/AssetPairs', {
        body: { error: [], result: { XXBTZUSD: { ...liveXbtUsd, ordermin: '0.0004' } } },
      });
      await refreshing.refresh();
      // Within the day: the cached rules stand, Kraken is not asked.
      expect(held.get('BTC/USD').orderMin).toBe('0.00005');
      expect(assetPairsRequests()).toBe(1);
      wallMs += ASSET_PAIRS_MAX_AGE_MS;
      await refreshing.refresh();
      expect(held.get('BTC/USD').orderMin).toBe('0.0004');
      expect(held.find('ETH/USD')).toBeUndefined();
      // A failed refresh keeps the rules in hand.
      wallMs += ASSET_PAIRS_MAX_AGE_MS;
      server.override('/0/public/AssetPairs', { status: 503, body: 'Service Unavailable' });
      await refreshing.refresh();
      expect(held.get('BTC/USD').orderMin).toBe('0.0004');
    } finally {
      refreshing.stop();
    }
  });

  it('keeps trading by a stale cache when Kraken cannot be reached', async () => {
    await open('kraken', live);
    const book = await open('kraken', unreachable, WALL_MS + 3 * ASSET_PAIRS_MAX_AGE_MS);
    expect(book.get('BTC/USD').orderMin).toBe('0.00005');
  });

  it('fails closed when the rules can be loaded neither live nor from the cache: the worker does not trade', async () => {
    await expect(open('kraken', unreachable)).rejects.toMatchObject({
      code: 'EXCHANGE_UNAVAILABLE',
      message: expect.stringContaining('this worker does not trade'),
    });
    server.override('/0/public/AssetPairs', { status: 503, body: 'Service Unavailable' });
    await expect(open('kraken', live)).rejects.toMatchObject({ code: 'EXCHANGE_UNAVAILABLE' });
    expect(await t.redis.get(t.keys.krakenAssetPairs)).toBeNull();
  });

  it('keeps the shipped file on paper and never asks the network', async () => {
    const book = await open('paper', unreachable);
    expect(book.symbols()).toEqual(InstrumentBook.shipped().symbols());
    expect(assetPairsRequests()).toBe(0);
  });
});
