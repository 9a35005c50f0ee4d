import { z } from 'zod';
import { DecimalString } from '../model/decimal-string.ts';
import { TradingState } from '../model/trading-state.ts';
import { isoWeekStartMs, utcDayStartMs } from '../clock/utc-periods.ts';

const epochMs = z.number().int().nonnegative();

/** One circuit breaker's memory: a tripped breaker does not trip again until re-armed. */
export const BreakerStatus = z
  .object({
    tripped: z.boolean(),
    trippedAtMs: epochMs.nullable(),
    /** Loss at the trip, %, decimal string. */
    lossPct: DecimalString.nullable(),
  })
  .strict();
export type BreakerStatus = z.infer<typeof BreakerStatus>;

/**
 * Everything the risk engine remembers between decisions. Persisted by the risk worker after
 * every change and recovered at boot; it round-trips through JSON unchanged. Money is in the
 * cash asset as decimal strings; equity may be zero or negative.
 */
export const RiskState = z
  .object({
    tradingState: TradingState,
    /** Highest equity seen since the last reset; the drawdown breaker measures from it. */
    peakEquityUsd: DecimalString,
    /** Equity at the start of the current UTC day (the daily breaker's base). */
    dayStartEquityUsd: DecimalString,
    /** 00:00 UTC of the current day. */
    dayStartMs: epochMs,
    /** Equity at the start of the current ISO week (the weekly breaker's base). */
    weekStartEquityUsd: DecimalString,
    /** Monday 00:00 UTC of the current week. */
    weekStartMs: epochMs,
    /** Losing trades in a row; a win resets it. */
    consecutiveLosses: z.number().int().nonnegative(),
    /** No new entries before this instant (a loss-streak cooldown); null when none. */
    cooldownUntilMs: epochMs.nullable(),
    /** No new entries before this instant (a `pause_entries` breaker); null when none. */
    entriesPausedUntilMs: epochMs.nullable(),
    breakers: z.object({ dailyLoss: BreakerStatus, weeklyLoss: BreakerStatus, drawdown: BreakerStatus }).strict(),
    /** When the state last changed. */
    updatedAtMs: epochMs,
  })
  .strict();
export type RiskState = z.infer<typeof RiskState>;

/** A breaker that has not tripped. */
export const ARMED_BREAKER: BreakerStatus = Object.freeze({ tripped: false, trippedAtMs: null, lossPct: null });

/**
 * The state of a system that has never traded: ACTIVE, peak and period bases at `equityUsd`,
 * periods starting at the current UTC day and ISO week, no breaker tripped.
 */
export function initialRiskState(equityUsd: string, nowMs: number): RiskState {
  return {
    tradingState: 'ACTIVE',
    peakEquityUsd: equityUsd,
    dayStartEquityUsd: equityUsd,
    dayStartMs: utcDayStartMs(nowMs),
    weekStartEquityUsd: equityUsd,
    weekStartMs: isoWeekStartMs(nowMs),
    consecutiveLosses: 0,
    cooldownUntilMs: null,
    entriesPausedUntilMs: null,
    breakers: { dailyLoss: ARMED_BREAKER, weeklyLoss: ARMED_BREAKER, drawdown: ARMED_BREAKER },
    updatedAtMs: nowMs,
  };
}
