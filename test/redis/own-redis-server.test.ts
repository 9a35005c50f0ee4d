import { existsSync } from 'node:fs';
import { Redis } from 'ioredis';
import { afterEach, describe, expect, it } from 'vitest';
import { pingRedis } from '../../src/redis/ping-redis.ts';
import { startOwnRedisServer, type OwnRedisServer } from '../support/own-redis-server.ts';

describe('startOwnRedisServer', () => {
  let server: OwnRedisServer | undefined;
  afterEach(async () => {
    await server?.cleanup();
    server = undefined;
  });

  async function withClient<T>(url: string, work: (r: Redis) => Promise<T>): Promise<T> {
    const client = new Redis(url);
    try {
      return await work(client);
    } finally {
      client.disconnect();
    }
  }

  it('keeps acknowledged writes across a SIGKILL with appendfsync always', async () => {
    server = await startOwnRedisServer({ appendfsync: 'always' });
    await withClient(server.url, (r) => r.xadd('tgtest:stream', '*', 'n', '1'));
    await server.kill();
    expect(await pingRedis(server.url)).toBe(false);
    await server.restart();
    expect(await withClient(server.url, (r) => r.xlen('tgtest:stream'))).toBe(1);
  });

  it('restarts on the same port and directory after a clean stop', async () => {
    server = await startOwnRedisServer();
    const { port, dir } = server;
    await withClient(server.url, (r) => r.set('tgtest:k', 'v'));
    await server.stop();
    expect(server.isRunning()).toBe(false);
    await server.restart();
    expect(server.port).toBe(port);
    expect(server.dir).toBe(dir);
    expect(await withClient(server.url, (r) => r.get('tgtest:k'))).toBe('v');
  });

  it('loses the data on restart without AOF', async () => {
    server = await startOwnRedisServer({ appendonly: false });
    await withClient(server.url, (r) => r.set('tgtest:k', 'v'));
    await server.restart();
    expect(await withClient(server.url, (r) => r.get('tgtest:k'))).toBeNull();
  });

  it('removes its temp directory on cleanup', async () => {
    const own = await startOwnRedisServer();
    await own.cleanup();
    expect(existsSync(own.dir)).toBe(false);
    expect(own.isRunning()).toBe(false);
  });
});
