import type { Redis } from 'ioredis';
import type { Keys } from '../keys.ts';
import { fieldsToRecord } from './envelope.ts';
import type { Topic } from './topics.ts';

export interface GroupStats {
  name: string;
  consumers: number;
  /** Delivered to a consumer and not acked yet. */
  pending: number;
  /** Not yet delivered to any consumer of the group (null when Redis cannot tell). */
  lag: number | null;
  delivered: number;
  handled: number;
  failed: number;
  deadLettered: number;
  expired: number;
  filtered: number;
}

export interface TopicStats {
  topic: Topic;
  /** Entries on both lanes. */
  length: number;
  urgentLength: number;
  deadLetters: number;
  groups: GroupStats[];
}

type RawGroup = { name: string; consumers: number; pending: number; lag: number | null };

async function laneGroups(redis: Redis, key: string): Promise<RawGroup[]> {
  let rows: unknown[];
  try {
    rows = (await redis.xinfo('GROUPS', key)) as unknown[];
  } catch (err) {
    if (err instanceof Error && err.message.includes('no such key')) return [];
    throw err;
  }
  return rows.map((row) => {
    const r = fieldsToRecord((row as unknown[]).map((v) => (v === null ? '' : String(v))));
    return { name: r.name ?? '', consumers: Number(r.consumers ?? 0), pending: Number(r.pending ?? 0), lag: r.lag === '' || r.lag === undefined ? null : Number(r.lag) };
  });
}

/** Length, groups, pending, lag and the per-group counters of one topic. */
export async function topicStats(redis: Redis, keys: Keys, topic: Topic): Promise<TopicStats> {
  const [mainLen, urgentLen, dlqLen, counters, mainGroups, urgentGroups] = await Promise.all([
    redis.xlen(keys.busStream(topic)),
    redis.xlen(keys.busUrgentStream(topic)),
    redis.xlen(keys.dlq(topic)),
    redis.hgetall(keys.busStats(topic)),
    laneGroups(redis, keys.busStream(topic)),
    laneGroups(redis, keys.busUrgentStream(topic)),
  ]);
  const byName = new Map<string, RawGroup>();
  for (const g of [...mainGroups, ...urgentGroups]) {
    const seen = byName.get(g.name);
    if (!seen) byName.set(g.name, { ...g });
    else {
      seen.pending += g.pending;
      seen.consumers = Math.max(seen.consumers, g.consumers);
      seen.lag = seen.lag === null || g.lag === null ? null : seen.lag + g.lag;
    }
  }
  const counter = (group: string, name: string) => Number(counters[`${group}:${name}`] ?? 0);
  return {
    topic,
    length: mainLen + urgentLen,
    urgentLength: urgentLen,
    deadLetters: dlqLen,
    groups: [...byName.values()].map((g) => ({
      ...g,
      delivered: counter(g.name, 'delivered'),
      handled: counter(g.name, 'handled'),
      failed: counter(g.name, 'failed'),
      deadLettered: counter(g.name, 'dead_lettered'),
      expired: counter(g.name, 'expired'),
      filtered: counter(g.name, 'filtered'),
    })),
  };
}
