/**
 * Whether something published at `tsMs` still counts at `nowMs` under a freshness window of
 * `windowMs`: its age `nowMs − tsMs` is at most `windowMs`. Exactly at the window's edge it
 * still counts; one millisecond later it does not.
 *
 * A time in the future (another host's clock slightly ahead) counts as fresh: age below zero
 * is within any window.
 */
export function isFresh(tsMs: number, windowMs: number, nowMs: number): boolean {
  return nowMs - tsMs <= windowMs;
}
