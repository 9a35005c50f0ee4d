import type { Redis } from 'ioredis';
import type { Logger } from '../shared/logger.ts';
import { describeError } from '../shared/triplegain-error.ts';

/**
 * Warns when Redis may evict keys. BullMQ jobs and bus streams are data, not cache: under any
 * `maxmemory-policy` other than `noeviction`, Redis silently deletes them when memory runs out.
 *
 * @returns the policy, or `undefined` when it could not be read (managed Redis often refuses
 *   `CONFIG`; that is logged as a warning too).
 */
export async function checkEvictionPolicy(redis: Redis, logger: Logger): Promise<string | undefined> {
  let policy: string | undefined;
  try {
    const reply = (await redis.config('GET', 'maxmemory-policy')) as unknown;
    if (Array.isArray(reply) && typeof reply[1] === 'string') policy = reply[1];
  } catch (err) {
    logger.warn(
      { err: describeError(err), required: 'noeviction' },
      'could not check redis maxmemory-policy (CONFIG GET refused); make sure it is noeviction, or queued jobs and bus messages can be lost',
    );
    return undefined;
  }
  if (policy === undefined) {
    logger.warn(
      { required: 'noeviction' },
      'could not check redis maxmemory-policy (no value returned); make sure it is noeviction',
    );
    return undefined;
  }
  if (policy !== 'noeviction') {
    logger.warn(
      { policy, required: 'noeviction' },
      'redis maxmemory-policy evicts keys: BullMQ jobs and bus messages will be lost when memory is full; set maxmemory-policy noeviction',
    );
  }
  return policy;
}
