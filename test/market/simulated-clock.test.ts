import { describe, expect, it } from 'vitest';
import type { Clock } from '../../src/clock/clock.ts';
import { SimulatedClock } from '../../src/clock/simulated-clock.ts';
import { sleep } from '../support/wait-for.ts';

const START = Date.UTC(2022, 4, 10, 0);

/** A wall clock the test moves. */
function fakeWall(): { now: () => number; tick(ms: number): void } {
  let t = 1_000;
  return { now: () => t, tick: (ms) => void (t += ms) };
}

describe('SimulatedClock', () => {
  it('runs market time at speed × wall time from the start', () => {
    const wall = fakeWall();
    const clock: Clock = new SimulatedClock({ startMs: START, speed: 3_600, wallNow: wall.now });
    expect(clock.now()).toBe(START);
    wall.tick(1_000);
    expect(clock.now()).toBe(START + 3_600_000);
    wall.tick(2_500);
    expect(clock.now()).toBe(START + 3.5 * 3_600_000);
  });

  it('passes hours of market time in well under a second of real time', async () => {
    const clock = new SimulatedClock({ startMs: START, speed: 36_000 });
    await sleep(200);
    const elapsedHours = (clock.now() - START) / 3_600_000;
    // setTimeout may fire a millisecond early by the monotonic clock.
    expect(elapsedHours).toBeGreaterThanOrEqual(1.9);
    expect(elapsedHours).toBeLessThan(20);
  });

  it('keeps the market time reached when the speed changes', () => {
    const wall = fakeWall();
    const clock = new SimulatedClock({ startMs: START, speed: 10, wallNow: wall.now });
    wall.tick(100);
    expect(clock.now()).toBe(START + 1_000);
    clock.setSpeed(1_000);
    expect(clock.now()).toBe(START + 1_000);
    wall.tick(100);
    expect(clock.now()).toBe(START + 101_000);
    expect(clock.speed).toBe(1_000);
  });

  it('stands still while paused and continues from there on resume', () => {
    const wall = fakeWall();
    const clock = new SimulatedClock({ startMs: START, speed: 60, wallNow: wall.now });
    wall.tick(1_000);
    clock.pause();
    wall.tick(50_000);
    expect(clock.now()).toBe(START + 60_000);
    expect(clock.paused).toBe(true);
    clock.resume();
    wall.tick(1_000);
    expect(clock.now()).toBe(START + 120_000);
  });

  it('starts paused when asked and jumps by advance, paused or not', () => {
    const wall = fakeWall();
    const clock = new SimulatedClock({ startMs: START, speed: 2, paused: true, wallNow: wall.now });
    wall.tick(1_000);
    expect(clock.now()).toBe(START);
    clock.advance(3_600_000);
    expect(clock.now()).toBe(START + 3_600_000);
    clock.resume();
    clock.advance(1);
    wall.tick(10);
    expect(clock.now()).toBe(START + 3_600_000 + 1 + 20);
  });

  it('hands out whole milliseconds at fractional speeds and never goes backwards', () => {
    const wall = fakeWall();
    const clock = new SimulatedClock({ startMs: START, speed: 0.5, wallNow: wall.now });
    wall.tick(3);
    expect(clock.now()).toBe(START + 1);
    wall.tick(-2); // a wall source stepping back
    expect(clock.now()).toBe(START + 1);
  });

  it('tells how long in wall time until a market time', () => {
    const wall = fakeWall();
    const clock = new SimulatedClock({ startMs: START, speed: 3_600, wallNow: wall.now });
    expect(clock.wallMsUntil(START + 3_600_000)).toBe(1_000);
    expect(clock.wallMsUntil(START - 1)).toBe(0);
    clock.pause();
    expect(clock.wallMsUntil(START + 1)).toBe(Infinity);
  });

  it('refuses a speed that is not positive, a jump backwards and a non-finite start', () => {
    expect(() => new SimulatedClock({ startMs: START, speed: 0 })).toThrow(/speed/);
    expect(() => new SimulatedClock({ startMs: Number.NaN })).toThrow(/startMs/);
    const clock = new SimulatedClock({ startMs: START });
    expect(() => clock.setSpeed(-1)).toThrow(/speed/);
    expect(() => clock.setSpeed(Infinity)).toThrow(/speed/);
    expect(() => clock.advance(-1)).toThrow(/advance/);
  });
});
