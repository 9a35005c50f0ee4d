import type { Redis } from 'ioredis';
import { DegradationChanged } from '../bus/messages/degradation-changed.ts';
import type { DegradationLevel } from '../model/degradation-level.ts';
import { lastRecordedPayload } from '../db/last-recorded-payload.ts';
import type { Db } from '../db/open-database.ts';
import type { Keys } from '../keys.ts';
import { compareAndSetScript } from './compare-and-set-script.ts';
import { DegradationState } from './degradation-state.ts';

/**
 * At start: when Redis has no degradation state (a new or flushed Redis) but `system_events`
 * recorded a level change, the level (and a floor still in force) is restored from the last
 * change, so a restart does not forget that the system was degraded.
 *
 * @returns the level now in force and where it came from.
 */
export async function recoverDegradation(deps: {
  redis: Redis;
  keys: Keys;
  db: Db;
  nowMs: number;
}): Promise<{ level: DegradationLevel; source: 'redis' | 'database' | 'initial' }> {
  const raw = await deps.redis.get(deps.keys.degradation);
  if (raw !== null) {
    const parsed = DegradationState.safeParse(JSON.parse(raw));
    if (parsed.success) return { level: parsed.data.level, source: 'redis' };
  }
  const last = (await lastRecordedPayload(deps.db, DegradationChanged))?.payload;
  if (!last) return { level: 'NORMAL', source: 'initial' };
  const floorInForce = last.floor !== null && last.floorUntilMs !== null && last.floorUntilMs > deps.nowMs;
  const state = DegradationState.parse({
    level: last.to,
    consecutiveFailures: 0,
    consecutiveSuccesses: 0,
    // The sources' runs are not in the database: none counts as failing, so a run of successes lowers the level.
    failing: {},
    ...(floorInForce ? { floor: { level: last.floor, untilMs: last.floorUntilMs } } : {}),
  });
  await compareAndSetScript.run(deps.redis, [deps.keys.degradation], [raw ?? '', JSON.stringify(state)]);
  return { level: state.level, source: 'database' };
}
