import { Redis } from 'ioredis';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { checkEvictionPolicy } from '../../src/redis/check-eviction-policy.ts';
import { captureLogger } from '../support/capture-logger.ts';
import { startOwnRedisServer, type OwnRedisServer } from '../support/own-redis-server.ts';

describe('checkEvictionPolicy', () => {
  let server: OwnRedisServer;
  let redis: Redis;
  beforeAll(async () => {
    server = await startOwnRedisServer({ appendonly: false });
    redis = new Redis(server.url);
  });
  afterAll(async () => {
    redis?.disconnect();
    await server?.cleanup();
  });

  it('warns when Redis may evict keys and returns the policy', async () => {
    await redis.config('SET', 'maxmemory-policy', 'allkeys-lru');
    const log = captureLogger();
    expect(await checkEvictionPolicy(redis, log.logger)).toBe('allkeys-lru');
    expect(log.warnings()).toHaveLength(1);
    expect(log.warnings()[0]).toMatchObject({ policy: 'allkeys-lru', required: 'noeviction' });
    expect(log.warnings()[0]!.msg).toMatch(/BullMQ jobs and bus messages will be lost/);
  });

  it('stays quiet on noeviction', async () => {
    await redis.config('SET', 'maxmemory-policy', 'noeviction');
    const log = captureLogger();
    expect(await checkEvictionPolicy(redis, log.logger)).toBe('noeviction');
    expect(log.warnings()).toEqual([]);
  });

  it('warns that it could not check when CONFIG is refused', async () => {
    const locked = await startOwnRedisServer({ appendonly: false, args: ['--rename-command', 'CONFIG', ''] });
    const client = new Redis(locked.url);
    try {
      const log = captureLogger();
      expect(await checkEvictionPolicy(client, log.logger)).toBeUndefined();
      expect(log.warnings()).toHaveLength(1);
      expect(log.warnings()[0]!.msg).toMatch(/could not check redis maxmemory-policy/);
    } finally {
      client.disconnect();
      await locked.cleanup();
    }
  });
});
