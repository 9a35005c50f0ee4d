import type { Queue } from 'bullmq';
import type { Redis } from 'ioredis';
import type { Topic } from '../bus/topics.ts';
import type { Keys } from '../keys.ts';
import { idleScript, QUEUE_KEYS } from './idle-script.ts';

export interface IdleWatch {
  queues: readonly Queue[];
  /**
   * Queues (among `queues`) whose delayed jobs and parents waiting for children wait for the
   * market to move on, which is the caller's to do: only their waiting and active jobs count.
   */
  marketTimed?: readonly Queue[];
  /** Consumer groups that must have nothing pending nor undelivered: `[topic, group]`. */
  groups: readonly (readonly [Topic, string])[];
}

/**
 * Resolves once every queue has no job waiting, active, delayed or waiting for children (a
 * market-timed queue: no job waiting or active; a paused queue: none active), and
 * every listed consumer group has handled everything on its topic, all seen in one atomic
 * read (`idleScript`). The demo steps the market clock only then, so that each bar is
 * processed completely, in order: the replay is exactly repeatable whatever the machine's speed.
 * Polls every `pollMs` (wall time, default 3 ms): one round trip each.
 *
 * @throws Error after `timeoutMs` (wall time, default 60 s) naming what is still busy.
 */
export async function waitForIdle(
  redis: Redis,
  keys: Keys,
  watch: IdleWatch,
  options: { timeoutMs?: number; pollMs?: number } = {},
): Promise<void> {
  const timeoutMs = options.timeoutMs ?? 60_000;
  const deadline = Date.now() + timeoutMs;
  const scriptKeys = [
    ...watch.queues.flatMap((q) => QUEUE_KEYS.map((state) => q.keys[state]!)),
    ...watch.groups.flatMap(([topic]) => [keys.busStream(topic), keys.busUrgentStream(topic)]),
  ];
  const args = [
    watch.queues.length,
    ...watch.queues.flatMap((q) => [q.name, watch.marketTimed?.includes(q) ? 1 : 0]),
    ...watch.groups.flat(),
  ];
  for (;;) {
    const busy = (await idleScript.run(redis, scriptKeys, args)) as string[];
    if (busy.length === 0) return;
    if (Date.now() > deadline) throw new Error(`still busy after ${timeoutMs} ms: ${busy.join('; ')}`);
    await new Promise((r) => setTimeout(r, options.pollMs ?? 3));
  }
}
