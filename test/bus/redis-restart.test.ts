import type { Redis } from 'ioredis';
import { afterEach, describe, expect, it } from 'vitest';
import { Bus } from '../../src/bus/bus.ts';
import { BusConfig } from '../../src/config/sections/bus-config.ts';
import { createKeys } from '../../src/keys.ts';
import { createRedis } from '../../src/redis/create-redis.ts';
import { aCandle } from '../support/builders.ts';
import { captureLogger } from '../support/capture-logger.ts';
import { startOwnRedisServer, type OwnRedisServer } from '../support/own-redis-server.ts';
import { fastBusConfig } from '../support/test-bus.ts';
import { quietWindow, scaled } from '../support/test-timing.ts';
import { waitFor } from '../support/wait-for.ts';

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
    closers.push(
      () => publisherRedis.disconnect(),
      () => consumerRedis.disconnect(),
      () => consumer.close(1_000),
    );

    const handled = new Set<string>();
    await consumer.subscribe({ topic: 'market_data', service: 'ta-agent', handler: (m) => void handled.add(m.id) });

    const acknowledged: string[] = [];
    for (let i = 0; i < 50; i++)
      acknowledged.push(
        (await publisher.publish('market.candle_closed', aCandle({ openTimeMs: i }), { symbol: 'BTC/USD' })).id,
      );
    await waitFor(() => handled.size === 50, 'the first 50');

    // Publishes racing the shutdown either resolve (then they must survive) or reject.
    const racing = Array.from({ length: 50 }, (_, i) =>
      publisher.publish('market.candle_closed', aCandle({ openTimeMs: 100 + i }), { symbol: 'BTC/USD' }).then(
        (m) => void acknowledged.push(m.id),
        () => undefined,
      ),
    );
    await server.stop('SIGTERM');
    // An outage of some length, not a wait for an event: the racing publishes meet a Redis that is away.
    await quietWindow(300);
    await server.restart();
    await Promise.all(racing);

    for (let i = 0; i < 50; i++)
      acknowledged.push(
        (await publisher.publish('market.candle_closed', aCandle({ openTimeMs: 200 + i }), { symbol: 'BTC/USD' })).id,
      );

    // Every acknowledged publish is on the stream and reaches the consumer that reconnected.
    await waitFor(
      () => acknowledged.every((id) => handled.has(id)),
      'every acknowledged message to be handled',
      scaled(20_000),
    );
    const onStream = new Set(
      (await publisherRedis.xrange(keys.busStream('market_data'), '-', '+')).map(([, f]) => f[1]),
    );
    expect(acknowledged.filter((id) => !onStream.has(id))).toEqual([]);
    expect(acknowledged.length).toBeGreaterThanOrEqual(100);
  });
});

describe('a Redis that comes back empty', () => {
  let server: OwnRedisServer | undefined;
  const closers: (() => Promise<void> | void)[] = [];
  afterEach(async () => {
    for (const close of closers.reverse()) await close();
    closers.length = 0;
    await server?.cleanup();
  });

  it('is one outage in the log: the lost consumer groups are recreated without a line per claim pass', async () => {
    // No persistence: the restarted server has no streams and no groups (NOGROUP for every group).
    server = await startOwnRedisServer({ appendonly: false });
    const keys = createKeys('tg');
    const config = BusConfig.parse(fastBusConfig);
    const log = captureLogger();
    const redis = createRedis(server.url, { name: 'consumer' });
    const bus = new Bus({ redis, keys, service: 'ta-agent', config, logger: log.logger });
    closers.push(
      () => redis.disconnect(),
      () => bus.close(1_000),
    );
    const handled: string[] = [];
    await bus.subscribe({
      topic: 'market_data',
      service: 'ta-agent',
      startFrom: 'earliest',
      handler: (m) => void handled.push(m.id),
    });

    await server.stop('SIGKILL');
    // Long enough for many claim passes (every 100 ms) to come due while Redis is away.
    // An outage of some length, not a wait for an event.
    await quietWindow(1_500);
    await server.restart();
    const after = await bus.publish('market.candle_closed', aCandle({ openTimeMs: 1 }), { symbol: 'BTC/USD' });
    await waitFor(() => handled.includes(after.id), 'the message published after the restart', scaled(20_000));

    expect(log.lines.filter((l) => l.msg === 'bus claim failed' || l.msg === 'bus read failed; retrying')).toEqual([]);
    expect(log.warnings().length).toBeLessThanOrEqual(1);
  });
});

describe('bus stats after a Redis restart', () => {
  let server: OwnRedisServer | undefined;
  const closers: (() => Promise<void> | void)[] = [];
  afterEach(async () => {
    for (const close of closers.reverse()) await close();
    closers.length = 0;
    await server?.cleanup();
  });

  /** BGREWRITEAOF and wait for it: the AOF base then holds each group's read counter as it is now. */
  async function rewriteAof(redis: Redis): Promise<void> {
    await redis.bgrewriteaof();
    await waitFor(async () => {
      const info = await redis.info('persistence');
      return info.includes('aof_rewrite_in_progress:0') && info.includes('aof_rewrite_scheduled:0');
    }, 'the AOF rewrite');
  }

  it('reports the lag a group really has, not the read counter an AOF restart left stale', async () => {
    server = await startOwnRedisServer({ appendonly: true, appendfsync: 'always' });
    const keys = createKeys('tg');
    const lane = keys.busStream('market_data');
    const redis = createRedis(server.url, { name: 'stats' });
    const bus = new Bus({ redis, keys, service: 'market-data', config: BusConfig.parse(fastBusConfig) });
    closers.push(
      () => redis.disconnect(),
      () => bus.close(1_000),
    );
    const handled = new Set<string>();
    await bus.subscribe({ topic: 'market_data', service: 'ta-agent', handler: (m) => void handled.add(m.id) });
    await redis.xgroup('CREATE', lane, 'slow', '$');
    const publish = async (from: number, count: number) => {
      for (let i = from; i < from + count; i++)
        await bus.publish('market.candle_closed', aCandle({ openTimeMs: i }), { symbol: 'BTC/USD' });
    };

    await publish(0, 10);
    await waitFor(() => handled.size === 10, 'the first 10');
    // Reads after the rewrite reach the AOF as XCLAIM … LASTID, which moves the group's last
    // delivered id but not its read counter: after the restart Redis counts 10 too few reads.
    await rewriteAof(redis);
    await publish(10, 10);
    await waitFor(() => handled.size === 20, 'the next 10');
    // Handled, then acknowledged: the ack follows the handler, so it is awaited too.
    const acked = async () => (await bus.stats('market_data')).groups.find((g) => g.name === 'ta-agent')?.pending === 0;
    await waitFor(acked, 'the next 10 acknowledged');
    const slowRead = (await redis.xreadgroup('GROUP', 'slow', 'c1', 'COUNT', 3, 'STREAMS', lane, '>')) as [
      string,
      [string, string[]][],
    ][];
    await redis.xack(lane, 'slow', ...slowRead[0]![1].map(([id]) => id));

    await server.restart();
    const after = await bus.stats('market_data');
    expect(after.groups.find((g) => g.name === 'ta-agent')).toMatchObject({ pending: 0, lag: 0 });
    expect(after.groups.find((g) => g.name === 'slow')).toMatchObject({ pending: 0, lag: 17 });

    // And it stays right as the group reads on (Redis's own number stays 10 too high for ever).
    await publish(20, 5);
    await waitFor(() => handled.size === 25, 'the last 5');
    await waitFor(acked, 'the last 5 acknowledged');
    const later = await bus.stats('market_data');
    expect(later.groups.find((g) => g.name === 'ta-agent')).toMatchObject({ pending: 0, lag: 0 });
    expect(later.groups.find((g) => g.name === 'slow')).toMatchObject({ pending: 0, lag: 22 });
  });
});
