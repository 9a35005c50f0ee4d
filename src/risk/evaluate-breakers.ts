import { Decimal } from '../model/decimal.ts';
import type { RiskConfig } from '../config/sections/risk-config.ts';
import type { BreakerAction } from '../model/breaker-action.ts';
import { assertNever } from '../shared/triplegain-error.ts';
import { type BreakerTrip } from './breaker-trip.ts';
import { BreakerName } from '../model/breaker-name.ts';
import { formatDecimal } from './format-decimal.ts';
import { recordEquity } from './record-equity.ts';
import type { RiskState } from './risk-state.ts';
import { rollPeriods } from './roll-periods.ts';
import { transitionTradingState } from './trading-state-machine.ts';
import { nextUtcMidnightMs } from '../clock/utc-periods.ts';

/** Where each breaker measures its loss from. */
const BASES: Record<BreakerName, (state: RiskState) => string> = {
  dailyLoss: (s) => s.dayStartEquityUsd,
  weeklyLoss: (s) => s.weekStartEquityUsd,
  drawdown: (s) => s.peakEquityUsd,
};
/** Checked in this order: the enum's. */
const ORDER: readonly BreakerName[] = BreakerName.options;

export interface BreakerEvaluation {
  /** The state after rolling periods, recording the peak and applying every trip's action. */
  state: RiskState;
  /** Breakers that tripped on this observation (each trips once until re-armed). */
  trips: BreakerTrip[];
}

/**
 * Checks the circuit breakers against one equity observation. First rolls the periods
 * ({@link rollPeriods}) and raises the peak ({@link recordEquity}), then measures, in decimal
 * arithmetic, loss % = (base − equity) / base × 100 against the day's start equity
 * (`dailyLoss`), the week's (`weeklyLoss`) and the peak (`drawdown`). An enabled, armed
 * breaker trips when loss % ≥ `thresholdPct` (exactly at the threshold trips); a base ≤ 0
 * measures nothing.
 *
 * A trip's action is applied to the returned state: `pause_entries` pauses entries until the
 * next 00:00 UTC, `reduce_positions` moves trading to REDUCING, `halt` and `halt_and_close`
 * to HALTED. The caller persists the state, publishes the trips and carries out the actions
 * on the positions.
 *
 * @param equityUsd current equity (cash plus open positions' value), decimal string.
 */
export function evaluateBreakers(
  state: RiskState,
  equityUsd: string,
  config: RiskConfig['breakers'],
  nowMs: number,
): BreakerEvaluation {
  let next = recordEquity(rollPeriods(state, equityUsd, nowMs), equityUsd, nowMs);
  const equity = new Decimal(equityUsd);
  const trips: BreakerTrip[] = [];
  for (const breaker of ORDER) {
    const settings = config[breaker];
    if (!settings.enabled || next.breakers[breaker].tripped) continue;
    const base = new Decimal(BASES[breaker](next));
    if (base.lte(0)) continue;
    const loss = base.minus(equity).div(base).times(100);
    if (loss.lt(settings.thresholdPct)) continue;

    const lossPct = formatDecimal(loss);
    trips.push({
      breaker,
      action: settings.action,
      lossPct,
      thresholdPct: settings.thresholdPct,
      reduceByPct: settings.reduceByPct,
      trippedAtMs: nowMs,
    });
    next = applyAction(
      {
        ...next,
        breakers: { ...next.breakers, [breaker]: { tripped: true, trippedAtMs: nowMs, lossPct } },
        updatedAtMs: nowMs,
      },
      settings.action,
      nowMs,
    );
  }
  return { state: next, trips };
}

function applyAction(state: RiskState, action: BreakerAction, nowMs: number): RiskState {
  switch (action) {
    case 'pause_entries':
      return { ...state, entriesPausedUntilMs: Math.max(state.entriesPausedUntilMs ?? 0, nextUtcMidnightMs(nowMs)) };
    case 'reduce_positions':
      return { ...state, tradingState: transitionTradingState(state.tradingState, 'reduce_positions') };
    case 'halt':
    case 'halt_and_close':
      return { ...state, tradingState: transitionTradingState(state.tradingState, 'halt') };
    default:
      return assertNever(action, 'breaker action');
  }
}
