import { Decimal } from '../model/decimal.ts';
import type { RiskConfig } from '../config/sections/risk-config.ts';
import type { RiskState } from './risk-state.ts';

/**
 * Counts a closed trade towards the loss streak. A loss (`pnlUsd` < 0) adds one; a win
 * (> 0) resets the streak to 0; break-even (= 0) leaves it as it is. When a loss brings the
 * streak to `cooldown.consecutiveLosses` or more, a cooldown of `cooldown.durationMs` starts
 * at `nowMs` (every further loss in the streak restarts it; a running longer one is kept).
 *
 * @param pnlUsd realised P&L of the trade in the cash asset, decimal string.
 */
export function recordTradeClosed(
  state: RiskState,
  pnlUsd: string,
  nowMs: number,
  cooldown: RiskConfig['cooldown'],
): RiskState {
  const pnl = new Decimal(pnlUsd);
  if (pnl.isZero()) return state;
  if (pnl.gt(0)) return { ...state, consecutiveLosses: 0, updatedAtMs: nowMs };

  const consecutiveLosses = state.consecutiveLosses + 1;
  let cooldownUntilMs = state.cooldownUntilMs;
  if (consecutiveLosses >= cooldown.consecutiveLosses) {
    cooldownUntilMs = Math.max(cooldownUntilMs ?? 0, nowMs + cooldown.durationMs);
  }
  return { ...state, consecutiveLosses, cooldownUntilMs, updatedAtMs: nowMs };
}
