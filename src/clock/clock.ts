/**
 * The one source of time. Every part of the system reads time from a `Clock` handed to it, so
 * that replay can run market time faster than wall time and tests can control it.
 */
export interface Clock {
  /** Milliseconds since the Unix epoch, in the clock's own time. */
  now(): number;
}

export const systemClock: Clock = { now: () => Date.now() };

/** A clock tests move by hand. */
export class ManualClock implements Clock {
  constructor(private nowMs = Date.now()) {}
  now(): number {
    return this.nowMs;
  }
  advance(ms: number): void {
    this.nowMs += ms;
  }
  set(ms: number): void {
    this.nowMs = ms;
  }
}
