import type { Redis } from 'ioredis';
import { LuaScript } from '../redis/lua-script.ts';
import type { KrakenTier } from '../config/sections/execution-config.ts';
import type { CallPriority } from '../exchange/call-priority.ts';
import { TriplegainError } from '../shared/triplegain-error.ts';

/** A decaying call counter: each call adds its cost, the counter loses `decayPerSec` a second. */
export interface RateLimitParams {
  /** A call is admitted only if the counter plus its cost stays at or below this. */
  maxCounter: number;
  /** Counter units regained per second. */
  decayPerSec: number;
}

/** Kraken's private API counter per verification tier (docs: "Spot REST API rate limits"). */
export const KRAKEN_TIER_LIMITS: Readonly<Record<KrakenTier, RateLimitParams>> = {
  starter: { maxCounter: 15, decayPerSec: 0.33 },
  intermediate: { maxCounter: 20, decayPerSec: 0.5 },
  pro: { maxCounter: 20, decayPerSec: 1 },
};

/**
 * How high a call of this priority may fill the counter (`CallPriority`). Protective calls keep
 * one unit of headroom below Kraken's maximum, for the drift between our model and Kraken's own
 * counter (two clocks, and the decay between our decision and Kraken's); trading calls leave a
 * quarter of the counter to them; background calls only the lower half. Starter (15): 14, 10, 7;
 * Intermediate and Pro (20): 19, 14, 10.
 */
export function admissionCeiling(maxCounter: number, priority: CallPriority): number {
  const protective = maxCounter - 1;
  if (priority === 'protective') return protective;
  if (priority === 'trading') return protective - Math.ceil(maxCounter / 4);
  return Math.floor(maxCounter / 2);
}

/** What a call adds to Kraken's counter: history calls (ledgers, trades history) count double. */
export const KRAKEN_CALL_COST = { call: 1, historyCall: 2 } as const;

/**
 * What each private method this system calls adds to the account's API counter (Kraken, "Spot
 * REST rate limits": ledger and trade-history calls +2, every other call +1, except AddOrder
 * and CancelOrder, which count on the per-pair trading counter instead). `ClosedOrders` is
 * history too: Kraken's page does not list it either way, so it is charged the higher cost.
 * `GetApiKeyInfo` and `TradeVolume` (read by `triplegain live check`) are ordinary calls.
 */
export const KRAKEN_PRIVATE_CALL_COST = {
  Balance: KRAKEN_CALL_COST.call,
  BalanceEx: KRAKEN_CALL_COST.call,
  TradeBalance: KRAKEN_CALL_COST.call,
  OpenPositions: KRAKEN_CALL_COST.call,
  OpenOrders: KRAKEN_CALL_COST.call,
  QueryOrders: KRAKEN_CALL_COST.call,
  CancelAllOrdersAfter: KRAKEN_CALL_COST.call,
  GetApiKeyInfo: KRAKEN_CALL_COST.call,
  TradeVolume: KRAKEN_CALL_COST.call,
  ClosedOrders: KRAKEN_CALL_COST.historyCall,
  QueryTrades: KRAKEN_CALL_COST.historyCall,
  TradesHistory: KRAKEN_CALL_COST.historyCall,
  Ledgers: KRAKEN_CALL_COST.historyCall,
  QueryLedgers: KRAKEN_CALL_COST.historyCall,
  AddOrder: 0,
  CancelOrder: 0,
} as const;
export type KrakenPrivateMethod = keyof typeof KRAKEN_PRIVATE_CALL_COST;

export interface KrakenRateLimiterOptions extends RateLimitParams {
  redis: Redis;
  /** The shared counter, from `keys.rateLimit(name)`; every replica with the same key shares the limit. */
  key: string;
  /** Longest `acquire` waits before failing. Default 30 000. */
  maxWaitMs?: number;
}

/** The counter's state after a call to the script. */
export interface RateLimitDecision {
  admitted: boolean;
  /** When not admitted: ms until the counter has decayed enough for the cost. */
  waitMs: number;
  /** The modelled counter after this decision (with the cost added when admitted). */
  counter: number;
}

/**
 * Lua shared by the scripts below: `now` (Redis server time, ms) and `counter`, the stored
 * counter of KEYS[1] decayed by `decay` per second since it was written. Needs `decay` set.
 */
const DECAYED_COUNTER = `local t = redis.call('TIME')
local now = tonumber(t[1]) * 1000 + tonumber(t[2]) / 1000
local state = redis.call('HMGET', KEYS[1], 'counter', 'ts')
local counter = tonumber(state[1]) or 0
local ts = tonumber(state[2]) or now
local elapsed = now - ts
if elapsed < 0 then elapsed = 0 end
counter = counter - elapsed * decay / 1000
if counter < 0 then counter = 0 end
`;

/**
 * Decaying counter, atomic across replicas. Time comes from the Redis server (TIME), so
 * replicas with skewed clocks still agree.
 *
 * KEYS[1]  hash { counter, ts } (ts in ms, server time)
 * ARGV[1]  max counter, ARGV[2] decay per second, ARGV[3] cost (0: only read the counter)
 * Returns  { admitted 1|0, wait ms, counter as a string }
 * Effects  on admission: stores the decayed counter plus the cost and the time, and expires
 *          the key once the counter would have decayed to 0. A refusal writes nothing.
 */
const decayingCounterScript = new LuaScript(
  'kraken-rate-limit',
  `
local max = tonumber(ARGV[1])
local decay = tonumber(ARGV[2])
local cost = tonumber(ARGV[3])
${DECAYED_COUNTER}if cost == 0 then
  return { 1, 0, tostring(counter) }
end
if counter + cost <= max then
  counter = counter + cost
  redis.call('HSET', KEYS[1], 'counter', tostring(counter), 'ts', tostring(now))
  redis.call('PEXPIRE', KEYS[1], math.ceil(counter * 1000 / decay) + 1000)
  return { 1, 0, tostring(counter) }
end
return { 0, math.ceil((counter + cost - max) * 1000 / decay), tostring(counter) }
`,
);

/**
 * Marks the counter full as of now.
 *
 * KEYS[1]  hash { counter, ts } (as above)
 * ARGV[1]  max counter, ARGV[2] decay per second
 * Returns  the counter before (decayed), as a string
 * Effects  stores { counter = max, ts = now } and expires the key once that has decayed.
 */
const fillCounterScript = new LuaScript(
  'kraken-rate-limit-fill',
  `
local max = tonumber(ARGV[1])
local decay = tonumber(ARGV[2])
${DECAYED_COUNTER}redis.call('HSET', KEYS[1], 'counter', tostring(max), 'ts', tostring(now))
redis.call('PEXPIRE', KEYS[1], math.ceil(max * 1000 / decay) + 1000)
return tostring(counter)
`,
);

/**
 * One rate limiter shared by every replica, modelling Kraken's decaying API counter: a call
 * of cost c is admitted while `counter + c ≤ maxCounter`, and the counter decays by
 * `decayPerSec` each second. The private API uses the account tier's parameters
 * (`KRAKEN_TIER_LIMITS`); the public endpoints, limited per IP, use their own instance with
 * its own key and parameters (`marketData.kraken.publicRateLimit`).
 */
export class KrakenRateLimiter {
  private readonly maxWaitMs: number;

  constructor(private readonly opts: KrakenRateLimiterOptions) {
    if (!(opts.maxCounter > 0) || !(opts.decayPerSec > 0)) {
      throw new TriplegainError('CONFIG_INVALID', `rate limit ${opts.key}: maxCounter and decayPerSec must be > 0`, {
        key: opts.key,
      });
    }
    this.maxWaitMs = opts.maxWaitMs ?? 30_000;
  }

  /** A limiter with the private API parameters of an account tier. */
  static forTier(tier: KrakenTier, opts: Omit<KrakenRateLimiterOptions, keyof RateLimitParams>): KrakenRateLimiter {
    return new KrakenRateLimiter({ ...opts, ...KRAKEN_TIER_LIMITS[tier] });
  }

  /**
   * Admits a call of `cost` now if the counter allows it; never waits. `ceiling` (at most
   * `maxCounter`, the default) is how high this call may fill the counter: a lower one keeps
   * the rest for more urgent calls (`admissionCeiling`); `waitMs` is then counted to it.
   */
  async tryAcquire(
    cost: number = KRAKEN_CALL_COST.call,
    ceiling: number = this.opts.maxCounter,
  ): Promise<RateLimitDecision> {
    this.checkCost(cost, ceiling);
    return this.run(cost, ceiling);
  }

  /**
   * Waits until a call of `cost` is admitted.
   *
   * @returns the counter after admission.
   * @throws TriplegainError `EXCHANGE_RATE_LIMITED` (retryable) as soon as the wait would
   *   exceed `maxWaitMs`, without waiting for it.
   * @throws TriplegainError `CONFIG_INVALID` for a cost the counter can never admit.
   */
  async acquire(cost: number = KRAKEN_CALL_COST.call, opts: { maxWaitMs?: number } = {}): Promise<RateLimitDecision> {
    this.checkCost(cost);
    const maxWaitMs = opts.maxWaitMs ?? this.maxWaitMs;
    const startedAt = performance.now();
    for (;;) {
      const decision = await this.run(cost);
      if (decision.admitted) return decision;
      const waitedMs = performance.now() - startedAt;
      if (waitedMs + decision.waitMs > maxWaitMs) {
        throw new TriplegainError(
          'EXCHANGE_RATE_LIMITED',
          `rate limit ${this.opts.key}: a call of cost ${cost} would wait ${Math.ceil(waitedMs + decision.waitMs)} ms, more than ${maxWaitMs} ms`,
          { key: this.opts.key, cost, waitMs: decision.waitMs, counter: decision.counter },
        );
      }
      // A little jitter, so that replicas woken for the same slot do not all retry at once.
      await sleep(decision.waitMs + Math.random() * Math.min(50, decision.waitMs * 0.1));
    }
  }

  /** The modelled counter now (decayed), without adding anything. */
  async counter(): Promise<number> {
    return (await this.run(0)).counter;
  }

  /**
   * Backs off after the exchange said the limit was exceeded (`EAPI:Rate limit exceeded`):
   * our model was behind Kraken's counter (another client on the key, or clock drift), so the
   * counter is set full as of now and every replica waits for it to decay before its next call.
   *
   * @returns the modelled counter just before.
   */
  async backOff(): Promise<number> {
    const before = await fillCounterScript.run(
      this.opts.redis,
      [this.opts.key],
      [this.opts.maxCounter, this.opts.decayPerSec],
    );
    return Number(before);
  }

  private checkCost(cost: number, ceiling: number = this.opts.maxCounter): void {
    if (!(ceiling > 0) || ceiling > this.opts.maxCounter) {
      throw new TriplegainError(
        'CONFIG_INVALID',
        `rate limit ${this.opts.key}: ceiling ${ceiling} is not within (0, ${this.opts.maxCounter}]`,
        { key: this.opts.key, ceiling },
      );
    }
    if (!(cost > 0) || cost > ceiling) {
      throw new TriplegainError(
        'CONFIG_INVALID',
        `rate limit ${this.opts.key}: cost ${cost} is not within (0, ${ceiling}]`,
        {
          key: this.opts.key,
          cost,
        },
      );
    }
  }

  private async run(cost: number, ceiling: number = this.opts.maxCounter): Promise<RateLimitDecision> {
    const reply = (await decayingCounterScript.run(
      this.opts.redis,
      [this.opts.key],
      [ceiling, this.opts.decayPerSec, cost],
    )) as [number, number, string];
    return { admitted: reply[0] === 1, waitMs: reply[1], counter: Number(reply[2]) };
  }
}

function sleep(ms: number): Promise<void> {
  return new Promise((resolve) => setTimeout(resolve, ms));
}
