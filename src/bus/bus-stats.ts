import type { Redis } from 'ioredis';
import type { Keys } from '../keys.ts';
import { laneGroupsScript } from './scripts/lane-groups-script.ts';
import type { Topic } from './topics.ts';

/** Undelivered entries counted per group and lane before the lag is reported as "at least". */
export const LAG_COUNT_CAP = 1_000;
/** Entries fetched per XRANGE while counting (bounds the script's memory, not the count). */
const LAG_PAGE = 100;

export interface GroupStats {
  name: string;
  consumers: number;
  /** Delivered to a consumer and not acked yet. */
  pending: number;
  /**
   * Entries on the topic not yet delivered to any consumer of the group, counted on the
   * stream (never Redis's XINFO `lag`, which an AOF restart can leave stale for good). 0 when
   * the group's last-delivered id is the stream's last entry. A lower bound when `lagExact`
   * is false.
   */
  lag: number;
  /** False when counting stopped at the cap (`LAG_COUNT_CAP` per lane): the lag is at least `lag`. */
  lagExact: boolean;
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

export interface TopicStatsOptions {
  /** Undelivered entries counted per group and lane; default `LAG_COUNT_CAP`. */
  lagCap?: number;
}

type RawGroup = { name: string; consumers: number; pending: number; lag: number; lagExact: boolean };

async function laneGroups(redis: Redis, key: string, lagCap: number): Promise<RawGroup[]> {
  const rows = (await laneGroupsScript.run(redis, [key], [lagCap, LAG_PAGE])) as [
    string,
    number,
    number,
    number,
    number,
  ][];
  return rows.map(([name, consumers, pending, lag, exact]) => ({
    name,
    consumers,
    pending,
    lag,
    lagExact: exact === 1,
  }));
}

/** Length, groups, pending, lag and the per-group counters of one topic. */
export async function topicStats(
  redis: Redis,
  keys: Keys,
  topic: Topic,
  options: TopicStatsOptions = {},
): Promise<TopicStats> {
  const lagCap = options.lagCap ?? LAG_COUNT_CAP;
  const [mainLen, urgentLen, dlqLen, counters, mainGroups, urgentGroups] = await Promise.all([
    redis.xlen(keys.busStream(topic)),
    redis.xlen(keys.busUrgentStream(topic)),
    redis.xlen(keys.dlq(topic)),
    redis.hgetall(keys.busStats(topic)),
    laneGroups(redis, keys.busStream(topic), lagCap),
    laneGroups(redis, keys.busUrgentStream(topic), lagCap),
  ]);
  const byName = new Map<string, RawGroup>();
  for (const g of [...mainGroups, ...urgentGroups]) {
    const seen = byName.get(g.name);
    if (!seen) byName.set(g.name, { ...g });
    else {
      seen.pending += g.pending;
      seen.consumers = Math.max(seen.consumers, g.consumers);
      seen.lag += g.lag;
      seen.lagExact &&= g.lagExact;
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
