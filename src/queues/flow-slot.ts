import type { Queue } from 'bullmq';
import type { Redis } from 'ioredis';
import { LuaScript } from '../redis/lua-script.ts';

/**
 * Replaces the holder if it is still the one the caller saw ('' for none).
 * KEYS[1] slot key; ARGV[1] expected holder, ARGV[2] new holder, ARGV[3] ttl ms.
 * Returns 1 when set. Effects: SET key new PX ttl.
 */
const swapScript = new LuaScript(
  'flow-slot-swap',
  `
local current = redis.call('GET', KEYS[1]) or ''
if current ~= ARGV[1] then return 0 end
redis.call('SET', KEYS[1], ARGV[2], 'PX', ARGV[3])
return 1
`,
);

/** States of a flow's parent job that mean the flow is over. */
const FINISHED = new Set(['completed', 'failed', 'unknown']);

/**
 * Claims the one slot of a (flow, symbol) for the flow whose parent job is `parentJobId`.
 * The slot names the parent of the flow in progress; it is free once that job has completed
 * or failed (whichever way: its own handler, or a required child failing it) or is gone, and
 * its TTL frees it in any case. So a decision flow for a symbol never overlaps another one,
 * and no release step can be missed.
 *
 * @returns the holder that keeps the slot busy, or null when claimed.
 */
export async function claimFlowSlot(
  redis: Redis,
  queue: Queue,
  args: { key: string; parentJobId: string; ttlMs: number },
): Promise<string | null> {
  const holder = (await redis.get(args.key)) ?? '';
  if (holder !== '' && holder !== args.parentJobId && !FINISHED.has(await queue.getJobState(holder))) return holder;
  const swapped = await swapScript.run(redis, [args.key], [holder, args.parentJobId, Math.ceil(args.ttlMs)]);
  // Someone else claimed it between our read and the swap.
  return swapped === 1 ? null : ((await redis.get(args.key)) ?? 'unknown');
}
