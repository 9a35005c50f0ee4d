import { Decimal } from '../model/decimal.ts';
import type { RiskState } from './risk-state.ts';

/**
 * Raises the equity peak to `equityUsd` when it is higher. Returns `state` itself when the
 * peak stands.
 *
 * @param equityUsd current equity, decimal string.
 */
export function recordEquity(state: RiskState, equityUsd: string, nowMs: number): RiskState {
  if (!new Decimal(equityUsd).gt(state.peakEquityUsd)) return state;
  return { ...state, peakEquityUsd: equityUsd, updatedAtMs: nowMs };
}
