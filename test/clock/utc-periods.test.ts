import { describe, expect, it } from 'vitest';
import { isoWeekStartMs, nextUtcMidnightMs, utcDayStartMs } from '../../src/clock/utc-periods.ts';

describe('UTC periods', () => {
  it('starts the day at 00:00 UTC', () => {
    expect(utcDayStartMs(Date.UTC(2025, 0, 15, 23, 59, 59, 999))).toBe(Date.UTC(2025, 0, 15));
    expect(utcDayStartMs(Date.UTC(2025, 0, 15))).toBe(Date.UTC(2025, 0, 15));
  });

  it('names the next 00:00 UTC, also at midnight itself', () => {
    expect(nextUtcMidnightMs(Date.UTC(2025, 0, 15, 12))).toBe(Date.UTC(2025, 0, 16));
    expect(nextUtcMidnightMs(Date.UTC(2025, 0, 15))).toBe(Date.UTC(2025, 0, 16));
  });

  it.each([
    ['Monday 00:00', Date.UTC(2025, 0, 13), Date.UTC(2025, 0, 13)],
    ['Wednesday', Date.UTC(2025, 0, 15, 12), Date.UTC(2025, 0, 13)],
    ['Sunday 23:59:59.999', Date.UTC(2025, 0, 19, 23, 59, 59, 999), Date.UTC(2025, 0, 13)],
    ['the next Monday', Date.UTC(2025, 0, 20), Date.UTC(2025, 0, 20)],
    ['a week across a year end', Date.UTC(2025, 0, 1, 8), Date.UTC(2024, 11, 30)],
    ['the epoch (a Thursday)', 0, Date.UTC(1969, 11, 29)],
  ])('starts the ISO week on Monday 00:00 UTC: %s', (_, nowMs, weekStartMs) => {
    expect(isoWeekStartMs(nowMs)).toBe(weekStartMs);
  });
});
