import { ARMED_BREAKER, type RiskState } from './risk-state.ts';
import { transitionTradingState } from './trading-state-machine.ts';

/**
 * An operator's manual reset: trading ACTIVE again, every breaker re-armed, the peak and the
 * day and week bases re-based on the current equity (otherwise the same loss would trip the
 * breakers again at once), entry pause, cooldown and loss streak cleared. The period start
 * instants are kept.
 *
 * @param equityUsd current equity, decimal string.
 */
export function resetRiskState(state: RiskState, equityUsd: string, nowMs: number): RiskState {
  return {
    ...state,
    tradingState: transitionTradingState(state.tradingState, 'reset'),
    peakEquityUsd: equityUsd,
    dayStartEquityUsd: equityUsd,
    weekStartEquityUsd: equityUsd,
    consecutiveLosses: 0,
    cooldownUntilMs: null,
    entriesPausedUntilMs: null,
    breakers: { dailyLoss: ARMED_BREAKER, weeklyLoss: ARMED_BREAKER, drawdown: ARMED_BREAKER },
    updatedAtMs: nowMs,
  };
}
