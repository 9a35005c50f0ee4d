import type { Redis } from 'ioredis';
import { LuaScript } from '../redis/lua-script.ts';
import type { Keys } from '../keys.ts';

/**
 * Marks a reason, stamped with Redis' clock, so that replicas with skewed clocks agree on order.
 * KEYS[1] protection-pending sorted set. ARGV[1] reason.
 * Returns the mark's time (ms, Redis clock). Effects: ZADD (a reason marked again moves to now).
 */
const markScript = new LuaScript(
  'protection-pending-mark',
  `
local t = redis.call('TIME')
local now = tonumber(t[1]) * 1000 + math.floor(tonumber(t[2]) / 1000)
redis.call('ZADD', KEYS[1], now, ARGV[1])
return now
`,
);

/**
 * "Open positions may lack their stops": set when the exchange may have canceled them (its
 * dead man's switch fired, or may have) or nobody can tell (a worker starting), cleared once
 * every open position's stop was made to match it again (`reprotectPositions`). While any
 * reason is marked the submission fence refuses entries; exits and protective orders go on.
 *
 * A reason marked again moves to the newer time: a re-protection clears only what was marked
 * before it started (`clearProtectionPending(markedAtMs)`), never a reason marked meanwhile.
 *
 * @returns the mark's time (ms, Redis clock), to pass to `clearProtectionPending`.
 */
export async function markProtectionPending(
  redis: Redis,
  keys: Pick<Keys, 'protectionPending'>,
  reason: string,
): Promise<number> {
  return Number(await markScript.run(redis, [keys.protectionPending], [reason]));
}

/** Clears every reason marked at or before `markedAtMs` (Redis clock): the positions were protected after them. */
export async function clearProtectionPending(
  redis: Redis,
  keys: Pick<Keys, 'protectionPending'>,
  markedAtMs: number,
): Promise<void> {
  await redis.zremrangebyscore(keys.protectionPending, '-inf', markedAtMs);
}

/** The reasons marked and not cleared; empty when every open position's stop is known to rest. */
export async function protectionPendingReasons(redis: Redis, keys: Pick<Keys, 'protectionPending'>): Promise<string[]> {
  return redis.zrange(keys.protectionPending, 0, -1);
}
