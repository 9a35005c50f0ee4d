import { randomUUID } from 'node:crypto';
import type { Redis } from 'ioredis';
import { LuaScript } from '../redis/lua-script.ts';
import { TriplegainError } from '../shared/triplegain-error.ts';
import type { KrakenAccountKeys } from './kraken-account-keys.ts';

/**
 * Hands out the next nonce to the lock holder.
 *
 * KEYS[1]  lock (string: holder token), KEYS[2] last nonce (string)
 * ARGV[1]  token, ARGV[2] hold ms
 * Returns  the nonce: max(last + 1, Redis server time in µs); -1 when the token no longer holds the lock
 * Effects  stores the nonce; extends the lock to `hold ms` from now.
 */
const nextNonceScript = new LuaScript(
  'kraken-next-nonce',
  `
if redis.call('GET', KEYS[1]) ~= ARGV[1] then
  return -1
end
local t = redis.call('TIME')
local now = tonumber(t[1]) * 1000000 + tonumber(t[2])
local last = tonumber(redis.call('GET', KEYS[2])) or 0
local nonce = now
if last + 1 > nonce then nonce = last + 1 end
redis.call('SET', KEYS[2], string.format('%d', nonce))
redis.call('PEXPIRE', KEYS[1], ARGV[2])
return nonce
`,
);

/**
 * Releases the lock if the token still holds it.
 *
 * KEYS[1]  lock; ARGV[1] token
 * Returns  1 when released, 0 when another holder (or nobody) had it
 */
const releaseScript = new LuaScript(
  'kraken-release-lock',
  `
if redis.call('GET', KEYS[1]) == ARGV[1] then
  return redis.call('DEL', KEYS[1])
end
return 0
`,
);

export interface KrakenAccountLockOptions {
  redis: Redis;
  keys: Pick<KrakenAccountKeys, 'lock' | 'nonce'>;
  /**
   * How long the lock outlives a holder that stops answering, counted from its nonce: the
   * request timeout plus a margin, so that a crashed replica blocks the account no longer.
   */
  holdMs: number;
}

/**
 * One private request in flight per Kraken API key, across every replica, with nonces that
 * reach Kraken in increasing order.
 *
 * Kraken refuses a nonce not above the last one it accepted for the key (`EAPI:Invalid nonce`).
 * Distinct nonces are not enough: two replicas sending n and n+1 at once may see n+1 arrive
 * first, and n refused. So the holder takes its nonce (strictly above every earlier one,
 * counted in Redis and never below Redis' clock in microseconds, so that it stays valid
 * after a flush: one nonce per Redis round trip never runs ahead of a µs clock) only once it
 * holds the lock, and keeps the lock until Kraken has answered or the request
 * has timed out. The next nonce is therefore taken after the previous request was processed.
 * A request that timed out may still arrive late: Kraken then refuses it as stale, which its
 * caller, already told the outcome is unknown, finds out at reconciliation.
 *
 * Nonces are microseconds since the epoch (below 2^53): an API key used here cannot go back
 * to a tool counting milliseconds (ccxt's default) unless Kraken's nonce window allows it.
 */
export class KrakenAccountLock {
  constructor(private readonly opts: KrakenAccountLockOptions) {}

  /** Takes the lock if nobody holds it. @returns the holder token, or null. */
  async tryAcquire(): Promise<string | null> {
    const token = randomUUID();
    const reply = await this.opts.redis.set(this.opts.keys.lock, token, 'PX', this.opts.holdMs, 'NX');
    return reply === 'OK' ? token : null;
  }

  /**
   * The nonce of the holder's next request, extending the lock by `holdMs`.
   *
   * @throws TriplegainError `BUSY` when the token lost the lock (it expired): nothing was sent.
   */
  async nextNonce(token: string): Promise<number> {
    const nonce = Number(
      await nextNonceScript.run(
        this.opts.redis,
        [this.opts.keys.lock, this.opts.keys.nonce],
        [token, this.opts.holdMs],
      ),
    );
    if (nonce < 0) {
      throw new TriplegainError('BUSY', 'kraken account lock expired before the request was sent', {
        requestSent: false,
      });
    }
    return nonce;
  }

  async release(token: string): Promise<void> {
    await releaseScript.run(this.opts.redis, [this.opts.keys.lock], [token]);
  }
}
