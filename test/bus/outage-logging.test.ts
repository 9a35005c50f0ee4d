import { Redis } from 'ioredis';
import { afterEach, describe, expect, it } from 'vitest';
import { Bus } from '../../src/bus/bus.ts';
import { BusConfig } from '../../src/config/sections/bus-config.ts';
import { createKeys } from '../../src/keys.ts';
import { aCandle } from '../support/builders.ts';
import { captureLogger } from '../support/capture-logger.ts';
import { startOwnRedisServer, type OwnRedisServer } from '../support/own-redis-server.ts';
import { fastBusConfig } from '../support/test-bus.ts';
import { waitFor } from '../support/wait-for.ts';

describe('bus logging while Redis is down', () => {
  let server: OwnRedisServer | undefined;
  const closers: (() => Promise<void> | void)[] = [];
  afterEach(async () => {
    for (const close of closers.reverse()) await close();
    closers.length = 0;
    await server?.cleanup();
  });

  it('logs one line when the outage starts and one when it ends, not one per failed attempt', async () => {
    server = await startOwnRedisServer({ appendonly: true, appendfsync: 'always' });
    const log = captureLogger();
    // Commands fail at once while disconnected (no offline queue): every read, claim and
    // publish of the outage is a failed attempt.
    const redis = new Redis(server.url, {
      enableOfflineQueue: false,
      maxRetriesPerRequest: 1,
      retryStrategy: () => 50,
      lazyConnect: true,
    });
    await redis.connect();
    let connectionErrors = 0;
    redis.on('error', () => (connectionErrors += 1));
    const bus = new Bus({
      redis,
      keys: createKeys('tg'),
      service: 'worker-1',
      config: BusConfig.parse(fastBusConfig),
      logger: log.logger,
    });
    closers.push(
      () => redis.disconnect(),
      () => bus.close(1_000),
    );
    const handled: string[] = [];
    for (const service of ['ta-agent', 'regime-agent', 'positions']) {
      await bus.subscribe({ topic: 'market_data', service, handler: (m) => void handled.push(`${service}:${m.id}`) });
    }
    bus.startMaintenance();
    await bus.publish('market.candle_closed', aCandle(), { symbol: 'BTC/USD' });
    await waitFor(() => handled.length === 3, 'the first message to reach every service');

    await server.kill();
    const publishes = await Promise.allSettled(
      Array.from({ length: 20 }, (_, i) =>
        bus.publish('market.candle_closed', aCandle({ openTimeMs: i }), { symbol: 'BTC/USD' }),
      ),
    );
    expect(publishes.every((p) => p.status === 'rejected')).toBe(true);
    await waitFor(() => connectionErrors >= 20, 'a run of failed reconnects (and of reads and claims)');
    await server.restart();
    await waitFor(() => log.lines.some((l) => l.msg === 'bus redis available again'), 'the end of the outage');

    const outageLines = log.lines.filter((l) => l.level >= 40);
    expect(outageLines.map((l) => l.msg)).toEqual(['bus redis unavailable']);
    const ended = log.lines.find((l) => l.msg === 'bus redis available again')!;
    expect(ended).toMatchObject({ service: 'worker-1' });
    expect(ended.failedAttempts).toBeGreaterThanOrEqual(20);
    expect(ended.durationMs).toBeGreaterThan(0);

    // And the bus carries on. The outage ends when the bus's first command succeeds, which can
    // be a subscription's own connection: on a loaded machine this connection may still be
    // reconnecting (no offline queue: a publish now would fail at once).
    if (redis.status !== 'ready') await new Promise((resolve) => redis.once('ready', resolve));
    const after = await bus.publish('market.candle_closed', aCandle({ openTimeMs: 99 }), { symbol: 'BTC/USD' });
    await waitFor(
      () => handled.filter((h) => h.endsWith(after.id)).length === 3,
      'a message after the outage to reach every service',
    );
  });
});
