import { Redis } from 'ioredis';
import { Queue } from 'bullmq';
import type { Keys } from '../../src/keys.ts';
import type { QueueName } from '../../src/queues/queue-names.ts';

/** BullMQ wants its own connections with `maxRetriesPerRequest: null`. */
export function bullConnection(url: string): Redis {
  return new Redis(url, { maxRetriesPerRequest: null });
}

export function openQueue(name: QueueName, url: string, keys: Keys): Queue {
  return new Queue(name, { connection: bullConnection(url), prefix: keys.queuePrefix });
}
