import { afterEach, describe, expect, it } from 'vitest';
import { createRedis } from '../../src/redis/create-redis.ts';
import { findFreePort } from '../../src/redis/free-port.ts';
import { captureLogger } from '../support/capture-logger.ts';
import { startOwnRedisServer, type OwnRedisServer } from '../support/own-redis-server.ts';
import { testRedisUrl } from '../support/test-redis.ts';
import { quietWindow } from '../support/test-timing.ts';
import { waitFor } from '../support/wait-for.ts';
import type { Redis } from 'ioredis';

describe('createRedis', () => {
  const open: Redis[] = [];
  let server: OwnRedisServer | undefined;
  afterEach(async () => {
    for (const r of open.splice(0)) r.disconnect();
    await server?.cleanup();
    server = undefined;
  });

  it('names the connection for CLIENT LIST', async () => {
    const redis = createRedis(testRedisUrl, { name: 'tgtest worker 1' });
    open.push(redis);
    expect(await redis.client('GETNAME')).toBe('tgtest-worker-1');
  });

  it('lets blocking connections wait for a reconnect forever and bounds the others', () => {
    const blocking = createRedis(testRedisUrl, { blocking: true });
    const plain = createRedis(testRedisUrl);
    open.push(blocking, plain);
    expect(blocking.options.maxRetriesPerRequest).toBeNull();
    expect(plain.options.maxRetriesPerRequest).toBe(20);
    expect(plain.options.enableOfflineQueue).toBe(true);
  });

  it('reconnects after Redis restarts, and a command issued meanwhile succeeds', async () => {
    server = await startOwnRedisServer({ appendfsync: 'always' });
    const redis = createRedis(server.url, { blocking: true, name: 'tgtest-reconnect' });
    open.push(redis);
    await redis.set('tgtest:k', 'before');
    await server.kill();
    const pending = redis.get('tgtest:k');
    // An outage of some length, not a wait for an event: the command waits while Redis is away.
    await quietWindow(300);
    await server.restart();
    expect(await pending).toBe('before');
  });

  it('never logs the password of the URL', async () => {
    const log = captureLogger();
    const redis = createRedis(`redis://trader:hunter2secret@127.0.0.1:${await findFreePort()}`, { logger: log.logger });
    open.push(redis);
    await waitFor(() => log.warnings().length > 0, 'a failed connection to be logged');
    expect(log.warnings().length).toBeGreaterThan(0);
    expect(log.text()).toContain('trader:***@');
    expect(log.text()).not.toContain('hunter2secret');
  });

  it('logs a lost connection once when it fails and once when it is back, with the failed attempts', async () => {
    server = await startOwnRedisServer({ appendfsync: 'always' });
    const log = captureLogger();
    const redis = createRedis(server.url, { name: 'tgtest-outage', logger: log.logger });
    open.push(redis);
    await redis.ping();
    let errors = 0;
    redis.on('error', () => (errors += 1));
    await server.kill();
    await waitFor(() => errors >= 4, 'several failed reconnect attempts');
    await server.restart();
    await waitFor(() => log.lines.some((l) => l.msg === 'redis connection restored'), 'the restored line');

    expect(log.lines.map((l) => l.msg)).toEqual(['redis connection error', 'redis connection restored']);
    expect(log.lines[1]).toMatchObject({ connection: 'tgtest-outage' });
    expect(log.lines[1]!.failedAttempts).toBeGreaterThanOrEqual(4);
    expect(log.lines[1]!.durationMs).toBeGreaterThan(0);
  });
});
