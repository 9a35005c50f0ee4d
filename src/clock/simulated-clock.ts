import type { Clock } from './clock.ts';

export interface SimulatedClockOptions {
  /** Market time at start, ms since the epoch. */
  startMs: number;
  /** Market milliseconds per wall millisecond (3600: one market hour per wall second). Default 1. */
  speed?: number;
  /** Start paused. Default false. */
  paused?: boolean;
  /**
   * Wall-time source in ms; only differences matter. Default `performance.now()`, which
   * never jumps when the system clock is set. Tests inject their own.
   */
  wallNow?: () => number;
}

/**
 * Market time for replay: `startMs + wall time elapsed × speed`, so hours of market pass in
 * seconds. Never goes backwards: speed changes, pauses and jumps rebase the clock at the
 * current market time.
 */
export class SimulatedClock implements Clock {
  private readonly wallNow: () => number;
  private anchorMarketMs: number;
  private anchorWallMs: number;
  private currentSpeed: number;
  private isPaused: boolean;
  /** Highest market time handed out: an injected wall source that steps back cannot move the clock back. */
  private highWaterMs = -Infinity;

  constructor(opts: SimulatedClockOptions) {
    if (!Number.isFinite(opts.startMs)) throw new RangeError(`startMs must be a finite number, got ${opts.startMs}`);
    this.wallNow = opts.wallNow ?? (() => performance.now());
    this.currentSpeed = checkSpeed(opts.speed ?? 1);
    this.isPaused = opts.paused ?? false;
    this.anchorMarketMs = opts.startMs;
    this.anchorWallMs = this.wallNow();
  }

  /** Market time, whole ms since the epoch. */
  now(): number {
    return Math.floor(this.exactNow());
  }

  get speed(): number {
    return this.currentSpeed;
  }

  get paused(): boolean {
    return this.isPaused;
  }

  /** Jumps market time forward by `ms` (≥ 0), paused or not. */
  advance(ms: number): void {
    if (!Number.isFinite(ms) || ms < 0) throw new RangeError(`advance takes a finite ms ≥ 0, got ${ms}`);
    this.rebase();
    this.anchorMarketMs += ms;
  }

  /** From now on, `speed` market ms pass per wall ms (> 0). */
  setSpeed(speed: number): void {
    checkSpeed(speed);
    this.rebase();
    this.currentSpeed = speed;
  }

  /** Stops market time until `resume()`. */
  pause(): void {
    this.rebase();
    this.isPaused = true;
  }

  resume(): void {
    this.rebase();
    this.isPaused = false;
  }

  /**
   * Wall ms until the clock shows `marketMs` at the current speed: 0 when it already does,
   * `Infinity` while paused. For a replay loop's `setTimeout`.
   */
  wallMsUntil(marketMs: number): number {
    const remaining = marketMs - this.exactNow();
    if (remaining <= 0) return 0;
    return this.isPaused ? Infinity : remaining / this.currentSpeed;
  }

  private exactNow(): number {
    const computed = this.isPaused
      ? this.anchorMarketMs
      : this.anchorMarketMs + (this.wallNow() - this.anchorWallMs) * this.currentSpeed;
    this.highWaterMs = Math.max(this.highWaterMs, computed);
    return this.highWaterMs;
  }

  private rebase(): void {
    this.anchorMarketMs = this.exactNow();
    this.anchorWallMs = this.wallNow();
  }
}

function checkSpeed(speed: number): number {
  if (!Number.isFinite(speed) || speed <= 0) throw new RangeError(`speed must be a finite number > 0, got ${speed}`);
  return speed;
}
