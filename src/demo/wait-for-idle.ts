import type { Queue } from 'bullmq';
import type { Bus } from '../bus/bus.ts';
import type { Topic } from '../bus/topics.ts';

/** Job states that mean work is still to be done. */
const BUSY_STATES = ['waiting', 'active', 'delayed', 'prioritized', 'waiting-children', 'paused'] as const;
/** The same, for a queue whose delayed jobs wait for market time. */
const MARKET_TIMED_BUSY_STATES = ['waiting', 'active', 'prioritized', 'paused'] as const;
/** A paused queue (the kill switch) starts nothing: only what it is running still counts. */
const PAUSED_QUEUE_BUSY_STATES = ['active'] as const;

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
 * every listed consumer group has handled everything on its topic. The demo steps the market
 * clock only then, so that each bar is processed completely, in order: the replay is exactly
 * repeatable whatever the machine's speed.
 *
 * @throws Error after `timeoutMs` naming what is still busy.
 */
export async function waitForIdle(
  bus: Pick<Bus, 'stats'>,
  watch: IdleWatch,
  options: { timeoutMs?: number; pollMs?: number } = {},
): Promise<void> {
  const deadline = Date.now() + (options.timeoutMs ?? 60_000);
  for (;;) {
    const busy = await busyParts(bus, watch);
    if (busy.length === 0) return;
    if (Date.now() > deadline)
      throw new Error(`still busy after ${options.timeoutMs ?? 60_000} ms: ${busy.join(', ')}`);
    await new Promise((r) => setTimeout(r, options.pollMs ?? 3));
  }
}

async function busyParts(bus: Pick<Bus, 'stats'>, watch: IdleWatch): Promise<string[]> {
  const queueCounts = await Promise.all(
    watch.queues.map(async (q) => {
      const states = (await q.isPaused())
        ? PAUSED_QUEUE_BUSY_STATES
        : watch.marketTimed?.includes(q)
          ? MARKET_TIMED_BUSY_STATES
          : BUSY_STATES;
      return [q.name, await q.getJobCounts(...states)] as const;
    }),
  );
  const busy = queueCounts
    .filter(([, counts]) => Object.values(counts).some((n) => n > 0))
    .map(([name, counts]) => `queue ${name} ${JSON.stringify(counts)}`);
  const topics = [...new Set(watch.groups.map(([topic]) => topic))];
  const stats = new Map(
    await Promise.all(topics.map(async (topic) => [topic, await bus.stats(topic, { lagCap: 1 })] as const)),
  );
  for (const [topic, group] of watch.groups) {
    const g = stats.get(topic)?.groups.find((x) => x.name === group);
    // A group not created yet has seen nothing: busy only if the topic has entries.
    if (!g) {
      if ((stats.get(topic)?.length ?? 0) > 0) busy.push(`group ${topic}/${group} not created`);
      continue;
    }
    if (g.pending > 0 || (g.lag ?? 1) > 0) busy.push(`group ${topic}/${group} pending ${g.pending} lag ${g.lag}`);
  }
  return busy;
}
