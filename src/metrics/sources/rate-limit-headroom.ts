import type { Redis } from 'ioredis';
import type { AppConfig } from '../../config/app-config.ts';
import { krakenAccountId, krakenAccountKeys } from '../../kraken/kraken-account-keys.ts';
import { KRAKEN_TRADING_TIER_LIMITS } from '../../kraken/kraken-trading-limiter.ts';
import type { Keys } from '../../keys.ts';
import { KRAKEN_TIER_LIMITS, KrakenRateLimiter, type RateLimitParams } from '../../kraken/kraken-rate-limiter.ts';

export interface RateLimitHeadroom {
  /** `kraken:public`, `kraken:private`, or `kraken:trading:<pair>`. */
  counter: string;
  max: number;
  /** What a call may still add now: the maximum less the decayed counter. */
  headroom: number;
}

/**
 * The shared rate-limit counters this configuration uses and the room left on each: Kraken's
 * public endpoints always, and with an API key the account's private counter and each pair's
 * trading counter. Reads only (a cost-0 look at the decayed counter), never spends.
 */
export async function readRateLimitHeadroom(deps: {
  redis: Redis;
  keys: Keys;
  config: AppConfig;
}): Promise<RateLimitHeadroom[]> {
  const { redis, keys, config } = deps;
  const counters: { counter: string; key: string; params: RateLimitParams }[] = [
    {
      counter: 'kraken:public',
      key: keys.rateLimit('kraken:public'),
      params: config.marketData.kraken.publicRateLimit,
    },
  ];
  const kraken = config.execution.kraken;
  if (kraken.apiKey) {
    // The account's keys are named after a digest of the API key, as the private client names them.
    const account = krakenAccountKeys(keys, krakenAccountId(kraken.apiKey));
    counters.push({ counter: 'kraken:private', key: account.apiCounter, params: KRAKEN_TIER_LIMITS[kraken.tier] });
    for (const pair of config.symbols.pairs) {
      counters.push({
        counter: `kraken:trading:${pair}`,
        key: account.tradingCounter(pair),
        params: KRAKEN_TRADING_TIER_LIMITS[kraken.tier],
      });
    }
  }
  return Promise.all(
    counters.map(async ({ counter, key, params }) => {
      const used = await new KrakenRateLimiter({ redis, key, ...params }).counter();
      return { counter, max: params.maxCounter, headroom: Math.max(0, params.maxCounter - used) };
    }),
  );
}
