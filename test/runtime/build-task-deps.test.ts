import { afterEach, describe, expect } from 'vitest';
import { it } from '../support/fixtures.ts';
import { Bus } from '../../src/bus/bus.ts';
import { systemClock } from '../../src/clock/clock.ts';
import { AppConfig } from '../../src/config/app-config.ts';
import { DegradationMonitor } from '../../src/degradation/degradation-monitor.ts';
import { buildTaskDeps } from '../../src/runtime/build-task-deps.ts';
import type { Runtime } from '../../src/runtime/open-runtime.ts';
import { silentLogger } from '../../src/shared/logger.ts';
import { startKrakenFixtureServer, type KrakenFixtureServer } from '../support/kraken-fixture-server.ts';
import { TEST_API_KEY, TEST_API_SECRET } from '../support/kraken-private-server.ts';
import { createTestDatabase, type TestDatabase } from '../support/test-database.ts';
import type { TestRedis } from '../support/test-redis.ts';

describe("buildTaskDeps: a worker's instrument book", () => {
  let t: TestRedis;
  let database: TestDatabase;
  let server: KrakenFixtureServer;
  let bus: Bus;

  it.beforeEach(async ({ redis }) => {
    t = redis;
    database = await createTestDatabase('postgres');
    server = await startKrakenFixtureServer();
  });
  afterEach(async () => {
    await bus.close();
    await server.close();
    await database.cleanup();
  });

  function runtime(exchange: 'paper' | 'kraken'): Runtime {
    const config = AppConfig.parse({
      app: { mode: exchange === 'kraken' ? 'live' : 'paper' },
      execution: { exchange, kraken: { apiKey: TEST_API_KEY, apiSecret: TEST_API_SECRET, baseUrl: server.url } },
      marketData: { kraken: { baseUrl: server.url } },
    });
    bus = new Bus({ redis: t.redis, keys: t.keys, service: 'test', config: config.bus, logger: silentLogger });
    return {
      config,
      logger: silentLogger,
      clock: systemClock,
      redis: t.redis,
      redisUrl: t.url,
      keys: t.keys,
      bus,
      database: database.database,
      close: async () => {},
    };
  }
  const build = (rt: Runtime) =>
    buildTaskDeps(
      rt,
      new DegradationMonitor({
        redis: rt.redis,
        keys: rt.keys,
        bus: rt.bus,
        config: rt.config.degradation,
        clock: rt.clock,
        logger: silentLogger,
      }),
    );
  const assetPairsRequests = () => server.requests.filter((r) => r.path === '/0/public/AssetPairs').length;

  it("trading on Kraken, holds Kraken's live AssetPairs rules", async () => {
    server.override('/0/public/AssetPairs', {
      body: {
        error: [],
        result: {
          XXBTZUSD: {
            altname: 'XBTUSD',
            wsname: 'XBT/USD',
            pair_decimals: 1,
            lot_decimals: 8,
            tick_size: '0.1',
            ordermin: '0.00007',
            costmin: '0.5',
            leverage_buy: [2],
            leverage_sell: [2],
          },
        },
      },
    });
    const built = await build(runtime('kraken'));
    try {
      expect(built.deps.instruments.get('BTC/USD')).toMatchObject({ orderMin: '0.00007', leverageBuy: [2] });
      expect(assetPairsRequests()).toBe(1);
    } finally {
      await built.close();
    }
  });

  it('does not start a Kraken worker that can load the rules neither live nor from the cache', async () => {
    server.override('/0/public/AssetPairs', { status: 503, body: 'Service Unavailable' });
    await expect(build(runtime('kraken'))).rejects.toMatchObject({
      code: 'EXCHANGE_UNAVAILABLE',
      message: expect.stringContaining('this worker does not trade'),
    });
  });

  it('on paper, holds the shipped rules and asks no network', async () => {
    const built = await build(runtime('paper'));
    try {
      expect(built.deps.instruments.get('BTC/USD').krakenPair).toBe('XXBTZUSD');
      expect(assetPairsRequests()).toBe(0);
    } finally {
      await built.close();
    }
  });
});
