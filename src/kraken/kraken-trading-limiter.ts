import type { Redis } from 'ioredis';
import { LuaScript } from '../redis/lua-script.ts';
import type { KrakenTier } from '../config/sections/execution-config.ts';
import { KrakenRateLimiter, type RateLimitParams } from './kraken-rate-limiter.ts';
import type { KrakenAccountKeys } from './kraken-account-keys.ts';

/**
 * The matching engine's counter per pair and tier. Kraken's "Trading rate limits" support page
 * gives Intermediate 125 / −2.34 s⁻¹ and Pro 180 / −3.75 s⁻¹; Starter (60 / −1 s⁻¹) is not on
 * that page and comes from Kraken's own CLI documentation (krakenfx/kraken-cli, "kraken-rate-
 * limits") and Nautilus Trader's adapter (thresholds 60 / 125 / 180).
 */
export const KRAKEN_TRADING_TIER_LIMITS: Readonly<Record<KrakenTier, RateLimitParams>> = {
  starter: { maxCounter: 60, decayPerSec: 1 },
  intermediate: { maxCounter: 125, decayPerSec: 2.34 },
  pro: { maxCounter: 180, decayPerSec: 3.75 },
};

/** What an AddOrder adds to its pair's counter ("Spot Trading Limits": fixed +1). */
export const KRAKEN_ADD_ORDER_COST = 1;

/**
 * What cancelling an order adds to its pair's counter, by the order's age ("Spot Trading
 * Limits", docs.kraken.com: Cancel Order has no fixed count and a decaying one of +8 under
 * 5 s, +6 under 10 s, +5 under 15 s, +4 under 45 s, +2 under 90 s, +1 under 300 s, 0 after).
 */
export function cancelPenalty(ageMs: number): number {
  if (ageMs < 5_000) return 8;
  if (ageMs < 10_000) return 6;
  if (ageMs < 15_000) return 5;
  if (ageMs < 45_000) return 4;
  if (ageMs < 90_000) return 2;
  if (ageMs < 300_000) return 1;
  return 0;
}

/** How long the placement time of an order is kept: past 300 s it only says "no penalty". */
const PLACED_ORDER_TTL_MS = 24 * 3_600_000;

/**
 * Records when an order was placed, in Redis server time.
 *
 * KEYS[1]  placed-order string; ARGV[1] symbol, ARGV[2] ttl ms
 * Effects  SET `<symbol> <now ms>` with the ttl
 */
const recordPlacedScript = new LuaScript(
  'kraken-record-placed',
  `
local t = redis.call('TIME')
local now = tonumber(t[1]) * 1000 + math.floor(tonumber(t[2]) / 1000)
redis.call('SET', KEYS[1], ARGV[1] .. ' ' .. string.format('%d', now), 'PX', ARGV[2])
return 1
`,
);

/**
 * The age of a recorded order.
 *
 * KEYS[1]  placed-order string
 * Returns  { symbol, age ms } or nil when not recorded
 */
const placedAgeScript = new LuaScript(
  'kraken-placed-age',
  `
local v = redis.call('GET', KEYS[1])
if not v then return nil end
local sep = string.find(v, ' ', 1, true)
local t = redis.call('TIME')
local now = tonumber(t[1]) * 1000 + math.floor(tonumber(t[2]) / 1000)
return { string.sub(v, 1, sep - 1), string.format('%d', now - tonumber(string.sub(v, sep + 1))) }
`,
);

export interface KrakenTradingLimiterOptions {
  redis: Redis;
  keys: Pick<KrakenAccountKeys, 'tradingCounter' | 'placedOrder'>;
  /** The tier's parameters (`KRAKEN_TRADING_TIER_LIMITS`), or others in tests. */
  limits: RateLimitParams;
}

/**
 * Kraken's matching-engine counter, one per pair and account, shared by every replica: each
 * AddOrder adds 1, each CancelOrder a penalty that falls with the order's age
 * (`cancelPenalty`), and the counter decays at the tier's rate. The private client admits an
 * order call only when its pair's counter has room (`limiterFor(symbol)`), under the account
 * lock, just before sending.
 *
 * Order ages come from the time each placement was answered, recorded in Redis server time:
 * later than Kraken's own, so the age is never overestimated and the penalty never
 * underestimated.
 */
export class KrakenTradingLimiter {
  private readonly limiters = new Map<string, KrakenRateLimiter>();

  constructor(private readonly opts: KrakenTradingLimiterOptions) {}

  static forTier(tier: KrakenTier, opts: Omit<KrakenTradingLimiterOptions, 'limits'>): KrakenTradingLimiter {
    return new KrakenTradingLimiter({ ...opts, limits: KRAKEN_TRADING_TIER_LIMITS[tier] });
  }

  /** The counter of one pair (`BTC/USD`). */
  limiterFor(symbol: string): KrakenRateLimiter {
    let limiter = this.limiters.get(symbol);
    if (!limiter) {
      limiter = new KrakenRateLimiter({
        redis: this.opts.redis,
        key: this.opts.keys.tradingCounter(symbol),
        ...this.opts.limits,
      });
      this.limiters.set(symbol, limiter);
    }
    return limiter;
  }

  /** Notes that Kraken accepted order `txid` now. */
  async recordPlaced(txid: string, symbol: string): Promise<void> {
    await recordPlacedScript.run(this.opts.redis, [this.opts.keys.placedOrder(txid)], [symbol, PLACED_ORDER_TTL_MS]);
  }

  /** The pair and age of an order recorded by `recordPlaced`, or null (placed elsewhere, or long ago). */
  async placedOrder(txid: string): Promise<{ symbol: string; ageMs: number } | null> {
    const reply = (await placedAgeScript.run(this.opts.redis, [this.opts.keys.placedOrder(txid)], [])) as
      | [string, string]
      | null;
    return reply ? { symbol: reply[0], ageMs: Math.max(0, Number(reply[1])) } : null;
  }
}
