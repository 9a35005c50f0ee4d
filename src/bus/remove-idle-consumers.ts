import type { Redis } from 'ioredis';
import { removeIdleConsumersScript } from './scripts/remove-idle-consumers-script.ts';

/**
 * Removes from `group` on `lane` every consumer other than `consumer` that holds no pending
 * entry and has not touched Redis for more than `idleMs` (a process that died: its pending
 * entries were claimed by the others already), and marks `consumer` as present. A consumer
 * with pending entries is never removed, whatever its idle time. Returns the names removed.
 */
export async function removeIdleConsumers(
  redis: Redis,
  args: { lane: string; group: string; consumer: string; idleMs: number },
): Promise<string[]> {
  return (await removeIdleConsumersScript.run(
    redis,
    [args.lane],
    [args.group, args.consumer, args.idleMs],
  )) as string[];
}

/** Removes `consumer` from `group` on each of `lanes` where it holds no pending entry (a clean stop). */
export async function removeConsumerIfIdle(
  redis: Redis,
  lanes: readonly string[],
  group: string,
  consumer: string,
): Promise<void> {
  for (const lane of lanes) {
    const held = (await redis.xpending(lane, group, '-', '+', 1, consumer)) as unknown[];
    if (held.length === 0) await redis.xgroup('DELCONSUMER', lane, group, consumer);
  }
}
