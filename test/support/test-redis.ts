import { randomUUID } from 'node:crypto';
import { Redis } from 'ioredis';
import { INITIAL_CONTROL_STATE, toControlHash } from '../../src/control/control-state-record.ts';
import { createKeys, type Keys } from '../../src/keys.ts';
import { deleteKeysUnder } from '../../src/redis/delete-keys-under.ts';

/** The Redis the tests use: `TEST_REDIS_URL`, else `REDIS_URL`, else the local default. */
export const testRedisUrl = process.env.TEST_REDIS_URL ?? process.env.REDIS_URL ?? 'redis://127.0.0.1:6379';

export interface TestRedis {
  url: string;
  redis: Redis;
  keys: Keys;
  prefix: string;
  /** Deletes every key under the prefix and closes the connection. */
  cleanup(): Promise<void>;
}

/**
 * A real Redis connection with a key prefix no other test uses. The prefix holds the initial
 * control state (RUNNING, version 0), as a started worker leaves it (`ControlPlane.recover`):
 * without one the submission fence and the risk engine admit nothing. `{ controlState: false }`
 * leaves it out (a flushed Redis).
 */
export async function createTestRedis(
  url = testRedisUrl,
  options: { controlState?: boolean } = {},
): Promise<TestRedis> {
  const prefix = `tgtest-${randomUUID().slice(0, 8)}`;
  const redis = new Redis(url, { lazyConnect: true, maxRetriesPerRequest: 3 });
  await redis.connect();
  if (options.controlState ?? true)
    await redis.hset(createKeys(prefix).controlState, toControlHash(INITIAL_CONTROL_STATE));
  return {
    url,
    redis,
    prefix,
    keys: createKeys(prefix),
    async cleanup() {
      await deleteKeysWithPrefix(redis, prefix);
      redis.disconnect();
    },
  };
}

export async function deleteKeysWithPrefix(redis: Redis, prefix: string): Promise<void> {
  await deleteKeysUnder(redis, prefix);
}
