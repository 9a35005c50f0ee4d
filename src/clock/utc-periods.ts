/** Milliseconds in one UTC day. */
const DAY_MS = 86_400_000;

/**
 * Start (00:00 UTC) of the UTC day holding `nowMs`. Breaker periods are UTC so that every
 * replica and every restart agrees on them.
 */
export function utcDayStartMs(nowMs: number): number {
  return Math.floor(nowMs / DAY_MS) * DAY_MS;
}

/** Start (Monday 00:00 UTC) of the ISO week holding `nowMs`. */
export function isoWeekStartMs(nowMs: number): number {
  const day = Math.floor(nowMs / DAY_MS);
  // 1970-01-01 was a Thursday: day 0 is 3 days after a Monday.
  const daysSinceMonday = (((day + 3) % 7) + 7) % 7;
  return (day - daysSinceMonday) * DAY_MS;
}

/** 00:00 UTC of the day after the one holding `nowMs`. */
export function nextUtcMidnightMs(nowMs: number): number {
  return utcDayStartMs(nowMs) + DAY_MS;
}
