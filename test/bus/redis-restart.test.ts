import { afterEach, describe, expect, it } from 'vitest';
import { Bus } from '../../src/bus/bus.ts';
import { BusConfig } from '../../src/config/sections/bus-config.ts';
import { createKeys } from '../../src/keys.ts';
import { createRedis } from '../../src/redis/create-redis.ts';
import { aCandle } from '../support/builders.ts';
import { startOwnRedisServer, type OwnRedisServer } from '../support/own-redis-server.ts';
import { fastBusConfig } from '../support/test-bus.ts';
import { sleep, waitFor } from '../support/wait-for.ts';

describe('Redis restart', () => {
  let server: OwnRedisServer | undefined;
  const closers: (() => Promise<void> | void)[] = [];
  afterEach(async () => {
    for (const close of closers.reverse()) await close();
    closers.length = 0;
    await server?.cleanup();
  });

  it('loses no acknowledged publish, and consumers reconnect by themselves', async () => {
    server = await startOwnRedisServer({ appendonly: true, appendfsync: 'everysec' });
    const keys = createKeys('tg');
    const config = BusConfig.parse(fastBusConfig);
    const publisherRedis = createRedis(server.url, { name: 'publisher' });
    const consumerRedis = createRedis(server.url, { name: 'consumer' });
    const publisher = new Bus({ redis: publisherRedis, keys, service: 'market-data', config });
    const consumer = new Bus({ redis: consumerRedis, keys, service: 'ta-agent', config });
    closers.push(() => publisherRedis.disconnect(), () => consumerRedis.disconnect(), () => consumer.close(1_000));

    const handled = new Set<string>();
    await consumer.subscribe({ topic: 'market_data', service: 'ta-agent', handler: (m) => void handled.add(m.id) });

    const acknowledged: string[] = [];
    for (let i = 0; i < 50; i++) acknowledged.push((await publisher.publish('market.candle_closed', aCandle({ openTimeMs: i }), { symbol: 'BTC/USD' })).id);
    await waitFor(() => handled.size === 50, 'the first 50');

    // Publishes racing the shutdown either resolve (then they must survive) or reject.
    const racing = Array.from({ length: 50 }, (_, i) =>
      publisher.publish('market.candle_closed', aCandle({ openTimeMs: 100 + i }), { symbol: 'BTC/USD' }).then(
        (m) => void acknowledged.push(m.id),
        () => undefined,
      ),
    );
    await server.stop('SIGTERM');
    await sleep(300);
    await server.restart();
    await Promise.all(racing);

    for (let i = 0; i < 50; i++) acknowledged.push((await publisher.publish('market.candle_closed', aCandle({ openTimeMs: 200 + i }), { symbol: 'BTC/USD' })).id);

    // Every acknowledged publish is on the stream and reaches the consumer that reconnected.
    await waitFor(() => acknowledged.every((id) => handled.has(id)), 'every acknowledged message to be handled', 20_000);
    const onStream = new Set((await publisherRedis.xrange(keys.busStream('market_data'), '-', '+')).map(([, f]) => f[1]));
    expect(acknowledged.filter((id) => !onStream.has(id))).toEqual([]);
    expect(acknowledged.length).toBeGreaterThanOrEqual(100);
  });
});
