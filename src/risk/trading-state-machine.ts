import { z } from 'zod';
import type { TradingState } from '../model/trading-state.ts';

/**
 * What moves the trading state. `reduce_positions` and `halt` come from a tripped breaker's
 * action (or an operator), `positions_reduced` from whoever carried out the reduction,
 * `reset` from an operator.
 */
export const TradingStateEvent = z.enum(['reduce_positions', 'halt', 'positions_reduced', 'reset']);
export type TradingStateEvent = z.infer<typeof TradingStateEvent>;

/** The whole state machine. A pair not listed is a bug and throws. */
const transitions: Record<TradingState, Partial<Record<TradingStateEvent, TradingState>>> = {
  ACTIVE: {
    reduce_positions: 'REDUCING',
    halt: 'HALTED',
    // An operator may reset while trading: it clears tripped breakers and re-bases the peak.
    reset: 'ACTIVE',
    // positions_reduced is not listed: no reduction is in progress while ACTIVE. A caller that
    // raced with a reset checks the state it loaded before reporting.
  },
  REDUCING: {
    // A second breaker asking for a reduction while one runs: still reducing.
    reduce_positions: 'REDUCING',
    halt: 'HALTED',
    positions_reduced: 'ACTIVE',
    reset: 'ACTIVE',
  },
  HALTED: {
    // Halt dominates: a reduction requested or finished while halted does not lift the halt.
    reduce_positions: 'HALTED',
    positions_reduced: 'HALTED',
    halt: 'HALTED',
    reset: 'ACTIVE',
  },
};

/**
 * The trading state after `event`.
 *
 * @throws Error when the pair is not in the table (a caller bug, not retryable).
 */
export function transitionTradingState(state: TradingState, event: TradingStateEvent): TradingState {
  const next = transitions[state][event];
  if (next === undefined) throw new Error(`trading state: no transition from ${state} on ${event}`);
  return next;
}
