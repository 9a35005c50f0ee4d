import type { Redis } from 'ioredis';
// BullMQ's own key builder, alone: the package's index loads every class it has (a fifth of
// a status command's start-up), and the counts below need only the key names.
import { QueueKeys } from 'bullmq/dist/esm/classes/queue-keys.js';
import type { Keys } from '../keys.ts';
import type { QueueName } from '../queues/queue-names.ts';
import type { QueueHealth } from './status-document.ts';

/**
 * One queue's job counts and whether it is paused, read from the lists and sets BullMQ keeps
 * (the same reads as `Queue.getJobCounts` and `Queue.isPaused`, on one connection, without
 * loading BullMQ). `waiting` is what `Queue.getWaitingCount` counts: waiting, paused-waiting
 * and prioritized jobs. Reads only.
 */
export async function readQueueHealth(
  redis: Redis,
  keys: Pick<Keys, 'queuePrefix'>,
  name: QueueName,
): Promise<QueueHealth> {
  const key = (type: string) => new QueueKeys(keys.queuePrefix).toKey(name, type);
  const [wait, pausedWait, prioritized, active, delayed, failed, paused] = await Promise.all([
    redis.llen(key('wait')),
    redis.llen(key('paused')),
    redis.zcard(key('prioritized')),
    redis.llen(key('active')),
    redis.zcard(key('delayed')),
    redis.zcard(key('failed')),
    redis.hexists(key('meta'), 'paused'),
  ]);
  return { name, waiting: wait + pausedWait + prioritized, active, delayed, failed, paused: paused === 1 };
}
