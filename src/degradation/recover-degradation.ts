import { desc, eq } from 'drizzle-orm';
import type { Redis } from 'ioredis';
import { DegradationChanged } from '../bus/messages/degradation-changed.ts';
import type { DegradationLevel } from '../config/sections/degradation-config.ts';
import type { Db } from '../db/open-database.ts';
import { systemEvents } from '../db/schema/system-events.ts';
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
export async function recoverDegradation(deps: { redis: Redis; keys: Keys; db: Db; nowMs: number }): Promise<{ level: DegradationLevel; source: 'redis' | 'database' | 'initial' }> {
  const raw = await deps.redis.get(deps.keys.degradation);
  if (raw !== null) {
    const parsed = DegradationState.safeParse(JSON.parse(raw));
    if (parsed.success) return { level: parsed.data.level, source: 'redis' };
  }
  const [row] = await deps.db.select().from(systemEvents).where(eq(systemEvents.type, DegradationChanged.type)).orderBy(desc(systemEvents.occurredAt), desc(systemEvents.id)).limit(1);
  // The recorder adds the message id and symbol to the payload it stores.
  const { messageId: _messageId, symbol: _symbol, ...recorded } = row?.details ?? {};
  const last = row ? DegradationChanged.payload.safeParse(recorded) : undefined;
  if (!last?.success) return { level: 'NORMAL', source: 'initial' };
  const floorInForce = last.data.floor !== null && last.data.floorUntilMs !== null && last.data.floorUntilMs > deps.nowMs;
  const state = DegradationState.parse({
    level: last.data.to,
    consecutiveFailures: 0,
    consecutiveSuccesses: 0,
    ...(floorInForce ? { floor: { level: last.data.floor, untilMs: last.data.floorUntilMs } } : {}),
  });
  await compareAndSetScript.run(deps.redis, [deps.keys.degradation], [raw ?? '', JSON.stringify(state)]);
  return { level: state.level, source: 'database' };
}
