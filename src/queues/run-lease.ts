import type { Redis } from 'ioredis';
import { LuaScript } from '../bus/scripts/lua-script.ts';

/**
 * Takes the lease when it is free or already ours (a retried job keeps its own lease).
 * KEYS[1] lease key; ARGV[1] holder, ARGV[2] ttl ms.
 * Returns '' when taken, else the current holder. Effects: SET key holder PX ttl.
 */
const acquireScript = new LuaScript(
  'lease-acquire',
  `
local current = redis.call('GET', KEYS[1])
if current and current ~= ARGV[1] then return current end
redis.call('SET', KEYS[1], ARGV[1], 'PX', ARGV[2])
return ''
`,
);

/**
 * Gives the lease up if it is still ours.
 * KEYS[1] lease key; ARGV[1] holder. Returns 1 when deleted. Effects: DEL key.
 */
const releaseScript = new LuaScript(
  'lease-release',
  `
if redis.call('GET', KEYS[1]) == ARGV[1] then return redis.call('DEL', KEYS[1]) end
return 0
`,
);

export type LeaseOutcome<T> = { acquired: true; value: T } | { acquired: false; holder: string };

/**
 * Runs `work` holding the lease `key` (one holder cluster-wide), then releases it. The TTL
 * bounds a lease whose holder died: set it to the work's timeout plus a margin.
 *
 * @returns `acquired: false` and the current holder, without running `work`, when another
 *   holder has it.
 */
export async function withLease<T>(redis: Redis, args: { key: string; holder: string; ttlMs: number }, work: () => Promise<T>): Promise<LeaseOutcome<T>> {
  const current = (await acquireScript.run(redis, [args.key], [args.holder, Math.ceil(args.ttlMs)])) as string;
  if (current !== '') return { acquired: false, holder: current };
  try {
    return { acquired: true, value: await work() };
  } finally {
    await releaseScript.run(redis, [args.key], [args.holder]);
  }
}
