import type { Clock } from '../../clock/clock.ts';
import type { RateLimitParams } from '../../kraken/kraken-rate-limiter.ts';

/**
 * One of Kraken's decaying counters, in memory, on the stand-in's clock: a transaction of cost
 * c is admitted while `counter + c ≤ maxCounter` (then c is added), and the counter loses
 * `decayPerSec` every second down to 0. The same model as `KrakenRateLimiter`, which the live
 * path keeps in Redis, so a client that keeps its own model right is never refused.
 */
export class DecayingCounter {
  private counter = 0;
  private atMs: number;

  constructor(
    private readonly params: RateLimitParams,
    private readonly clock: Clock,
  ) {
    this.atMs = clock.now();
  }

  /** The counter now, decayed. */
  value(): number {
    const nowMs = this.clock.now();
    const elapsedSec = Math.max(0, nowMs - this.atMs) / 1000;
    this.counter = Math.max(0, this.counter - elapsedSec * this.params.decayPerSec);
    this.atMs = nowMs;
    return this.counter;
  }

  /** Adds `cost` if the counter has room for it; false (nothing added) when it has not. */
  tryAdd(cost: number): boolean {
    const now = this.value();
    if (now + cost > this.params.maxCounter) return false;
    this.counter = now + cost;
    return true;
  }
}
