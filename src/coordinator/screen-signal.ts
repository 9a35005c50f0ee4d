import type { TradeAction } from '../bus/messages/trading-signal-emitted.ts';
import type { DegradationLevel } from '../model/degradation-level.ts';
import type { CoordinatorState } from '../model/coordinator-state.ts';
import type { SignalOutcome } from './signal-outcome.ts';

export interface SignalScreen {
  action: TradeAction;
  state: CoordinatorState;
  level: DegradationLevel;
  /** Older than its freshness window on arrival. */
  stale: boolean;
}

/**
 * The checks a signal meets before any analysis, in order: a stale signal is dropped; HOLD is
 * recorded only; EMERGENCY halts (the caller applies the halt); HALTED stops everything;
 * PAUSED and LIMITED let exits (CLOSE) through and stop entries (BUY, SELL).
 *
 * @returns the outcome that ends the signal's way here, `halt` when the caller must halt the
 *   cluster first, or `continue`.
 */
export function screenSignal(s: SignalScreen): SignalOutcome | 'halt' | 'continue' {
  if (s.stale) return 'stale';
  if (s.action === 'HOLD') return 'hold';
  if (s.level === 'EMERGENCY' && s.state !== 'HALTED') return 'halt';
  if (s.state === 'HALTED' || s.level === 'EMERGENCY') return 'halted';
  const entry = s.action === 'BUY' || s.action === 'SELL';
  if (entry && s.state === 'PAUSED') return 'paused';
  if (entry && s.level === 'LIMITED') return 'exits_only';
  return 'continue';
}
