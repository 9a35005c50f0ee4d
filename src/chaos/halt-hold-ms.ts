import type { OrderRate } from './chaos-summary.ts';

/** Shortest wall time a halt is held under load before its submissions are counted. */
export const HALT_HOLD_MIN_MS = 3_000;
/** Longest: a cluster that trades rarely is not halted for ever. */
export const HALT_HOLD_MAX_MS = 15_000;
/** Orders the baseline rate would have sent during a hold: a hold that expects none proves nothing. */
const EXPECTED_ORDERS = 2;

/**
 * How long a halt is held: the wall time in which the fault-free baseline sent two orders,
 * within `HALT_HOLD_MIN_MS`..`HALT_HOLD_MAX_MS` (the longest when the baseline sent none).
 */
export function haltHoldMs(baseline: OrderRate): number {
  if (baseline.orders <= 0 || baseline.wallMs <= 0) return HALT_HOLD_MAX_MS;
  const ms = Math.round((EXPECTED_ORDERS * baseline.wallMs) / baseline.orders);
  return Math.min(HALT_HOLD_MAX_MS, Math.max(HALT_HOLD_MIN_MS, ms));
}
