import { ARMED_BREAKER, type RiskState } from './risk-state.ts';
import { isoWeekStartMs, utcDayStartMs } from '../clock/utc-periods.ts';

/**
 * Starts a new period when `nowMs` is past the current one. A new UTC day re-bases the daily
 * breaker on `equityUsd` and re-arms it; a new ISO week (Monday 00:00 UTC) does the same for
 * the weekly breaker. Expired entry pauses and cooldowns are cleared. The drawdown breaker and
 * the trading state are untouched (a halt needs a manual reset).
 *
 * Idempotent; a clock that goes backwards rolls nothing. Returns `state` itself when nothing
 * changed.
 *
 * @param equityUsd current equity, decimal string (the new period's base).
 */
export function rollPeriods(state: RiskState, equityUsd: string, nowMs: number): RiskState {
  const dayStartMs = utcDayStartMs(nowMs);
  const weekStartMs = isoWeekStartMs(nowMs);
  const newDay = dayStartMs > state.dayStartMs;
  const newWeek = weekStartMs > state.weekStartMs;
  const pauseExpired = state.entriesPausedUntilMs !== null && state.entriesPausedUntilMs <= nowMs;
  const cooldownExpired = state.cooldownUntilMs !== null && state.cooldownUntilMs <= nowMs;
  if (!newDay && !newWeek && !pauseExpired && !cooldownExpired) return state;

  const next: RiskState = { ...state, breakers: { ...state.breakers }, updatedAtMs: nowMs };
  if (newDay) {
    next.dayStartEquityUsd = equityUsd;
    next.dayStartMs = dayStartMs;
    next.breakers.dailyLoss = ARMED_BREAKER;
  }
  if (newWeek) {
    next.weekStartEquityUsd = equityUsd;
    next.weekStartMs = weekStartMs;
    next.breakers.weeklyLoss = ARMED_BREAKER;
  }
  if (pauseExpired) next.entriesPausedUntilMs = null;
  if (cooldownExpired) next.cooldownUntilMs = null;
  return next;
}
