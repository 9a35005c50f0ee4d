import type { Redis } from 'ioredis';
import { LuaScript } from '../redis/lua-script.ts';

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

/**
 * Extends the lease if it is still ours.
 * KEYS[1] lease key; ARGV[1] holder, ARGV[2] ttl ms. Returns 1 when extended. Effects: PEXPIRE key ttl.
 */
const renewScript = new LuaScript(
  'lease-renew',
  `
if redis.call('GET', KEYS[1]) == ARGV[1] then return redis.call('PEXPIRE', KEYS[1], ARGV[2]) end
return 0
`,
);

/** Takes the lease `key` for `holder` for `ttlMs` when it is free or already `holder`'s. @returns '' when taken, else the current holder. */
export async function acquireLease(redis: Redis, key: string, holder: string, ttlMs: number): Promise<string> {
  return (await acquireScript.run(redis, [key], [holder, Math.ceil(ttlMs)])) as string;
}

/** Extends the lease to `ttlMs` from now if `holder` still has it. @returns false when it lapsed or another holder has it. */
export async function renewLease(redis: Redis, key: string, holder: string, ttlMs: number): Promise<boolean> {
  return (await renewScript.run(redis, [key], [holder, Math.ceil(ttlMs)])) === 1;
}

/** Gives the lease up if `holder` still has it. */
export async function releaseLease(redis: Redis, key: string, holder: string): Promise<void> {
  await releaseScript.run(redis, [key], [holder]);
}

export type LeaseOutcome<T> = { acquired: true; value: T } | { acquired: false; holder: string };

/**
 * Runs `work` holding the lease `key` (one holder cluster-wide), then releases it. The lease
 * lives `ttlMs` of wall time and is renewed every third of it while `work` runs, so a long run
 * keeps it and a holder that died (SIGKILL) frees it within `ttlMs`. A renewal that finds the
 * lease gone or someone else's calls `onLost` once and renews no more; one that cannot reach
 * Redis is tried again at the next beat.
 *
 * @returns `acquired: false` and the current holder, without running `work`, when another
 *   holder has it.
 */
export async function withLease<T>(
  redis: Redis,
  args: { key: string; holder: string; ttlMs: number; onLost?: () => void },
  work: () => Promise<T>,
): Promise<LeaseOutcome<T>> {
  const ttlMs = Math.ceil(args.ttlMs);
  const current = await acquireLease(redis, args.key, args.holder, ttlMs);
  if (current !== '') return { acquired: false, holder: current };
  const renew = setInterval(
    () => {
      renewLease(redis, args.key, args.holder, ttlMs).then(
        (renewed) => {
          if (renewed) return;
          clearInterval(renew);
          args.onLost?.();
        },
        () => undefined,
      );
    },
    Math.max(1, Math.floor(ttlMs / 3)),
  );
  try {
    return { acquired: true, value: await work() };
  } finally {
    clearInterval(renew);
    await releaseLease(redis, args.key, args.holder);
  }
}
