import { randomUUID } from 'node:crypto';
import type { Redis } from 'ioredis';
import { TriplegainError } from '../shared/triplegain-error.ts';
import { LuaScript } from '../redis/lua-script.ts';

/**
 * KEYS[1] lock key, ARGV[1] owner token. Deletes the lock only if we still own it.
 */
const releaseLock = new LuaScript(
  'release-lock',
  `if redis.call('GET', KEYS[1]) == ARGV[1] then return redis.call('DEL', KEYS[1]) end return 0`,
);

export interface OnceResult<T> {
  /** False when the side effect had already happened for this key. */
  ran: boolean;
  result?: T;
}

/**
 * Runs `fn` at most once per key while the key is remembered (`ttlMs`). A second delivery of
 * the same message skips it; a concurrent one (another consumer claimed the message while
 * this one still works on it) fails with BUSY and is retried later.
 *
 * The marker is written after `fn` succeeds: a crash between the two runs `fn` again on
 * redelivery. For database side effects use `runOnce` from `src/db`, which writes the marker
 * in the same transaction.
 */
export async function onceInRedis<T>(
  redis: Redis,
  key: string,
  options: { ttlMs: number; lockMs: number },
  fn: () => Promise<T>,
): Promise<OnceResult<T>> {
  if ((await redis.exists(key)) === 1) return { ran: false };
  const lockKey = `${key}:lock`;
  const token = randomUUID();
  const locked = await redis.set(lockKey, token, 'PX', options.lockMs, 'NX');
  if (locked !== 'OK') {
    throw new TriplegainError('BUSY', 'another consumer is handling this message', { key });
  }
  try {
    // Checked again under the lock: the holder before us may have finished in between.
    if ((await redis.exists(key)) === 1) return { ran: false };
    const result = await fn();
    await redis.set(key, '1', 'PX', options.ttlMs);
    return { ran: true, result };
  } finally {
    await releaseLock.run(redis, [lockKey], [token]).catch(() => undefined);
  }
}
