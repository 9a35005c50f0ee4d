import type { Redis } from 'ioredis';
import { LuaScript } from '../redis/lua-script.ts';
import type { Keys } from '../keys.ts';

/**
 * Admits one order submission if the coordinator state allows it, and registers it as in
 * flight, in one step (so a halt cannot slip between the check and the registration).
 * KEYS[1] control state hash, KEYS[2] in-flight sorted set, KEYS[3] protection-pending sorted set.
 * ARGV[1] submission id, ARGV[2] expiry ms (score), ARGV[3] intent (`entry` | `exit` | `flatten`).
 * Returns '' when admitted, else the state that refused it. Effects: ZADD on admission.
 * No state at all (Redis lost it) is UNKNOWN and admits nothing: fail closed. RUNNING admits all; PAUSED admits exits only; HALTED admits only the close-out of a halt
 * that asked for it (`halt --flatten`, or a drawdown breaker's halt_and_close). An entry is
 * refused as PROTECTION_PENDING while open positions may lack their stops (`markProtectionPending`).
 */
const enterScript = new LuaScript(
  'submission-enter',
  `
local state = redis.call('HGET', KEYS[1], 'state')
if not state then return 'UNKNOWN' end
if state == 'HALTED' then
  if ARGV[3] ~= 'flatten' or redis.call('HGET', KEYS[1], 'flatten') ~= '1' then return state end
elseif state == 'PAUSED' and ARGV[3] == 'entry' then
  return state
end
if ARGV[3] == 'entry' and redis.call('ZCARD', KEYS[3]) > 0 then return 'PROTECTION_PENDING' end
redis.call('ZADD', KEYS[2], ARGV[2], ARGV[1])
return ''
`,
);

export type SubmissionPermit = { admitted: true; leave(): Promise<void> } | { admitted: false; state: string };

/**
 * The last check before an order leaves for the exchange (the trading state, and for an entry
 * whether every open position's stop is known to rest). Call it immediately before the
 * submission and `leave()` once the exchange answered (or the call failed). `halt` waits for
 * every admitted submission to leave (or to pass its expiry), so once `halt` returns no
 * submission is under way and none can start.
 *
 * @param ttlMs how long the submission may take at most (the exchange call's timeout plus a
 *   margin): a crashed worker's entry stops counting after it.
 */
export async function enterSubmission(
  deps: { redis: Redis; keys: Keys; nowMs?: () => number },
  args: { submissionId: string; intent: 'entry' | 'exit' | 'flatten'; ttlMs: number },
): Promise<SubmissionPermit> {
  const now = deps.nowMs?.() ?? Date.now();
  const refused = (await enterScript.run(
    deps.redis,
    [deps.keys.controlState, deps.keys.submissionsInFlight, deps.keys.protectionPending],
    [args.submissionId, now + args.ttlMs, args.intent],
  )) as string;
  if (refused !== '') return { admitted: false, state: refused };
  return {
    admitted: true,
    leave: async () => {
      await deps.redis.zrem(deps.keys.submissionsInFlight, args.submissionId);
    },
  };
}

/** Submissions admitted and not yet left nor expired. */
export async function submissionsInFlight(redis: Redis, keys: Keys, nowMs = Date.now()): Promise<string[]> {
  await redis.zremrangebyscore(keys.submissionsInFlight, '-inf', nowMs);
  return redis.zrange(keys.submissionsInFlight, 0, -1);
}
