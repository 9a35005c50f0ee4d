import { describe, expect, it } from 'vitest';
import { TradingStateEvent, transitionTradingState } from '../../src/risk/trading-state-machine.ts';
import { TradingState } from '../../src/model/trading-state.ts';

describe('trading state transition table', () => {
  const expected: Record<TradingState, Record<TradingStateEvent, TradingState | 'throws'>> = {
    ACTIVE: { reduce_positions: 'REDUCING', halt: 'HALTED', positions_reduced: 'throws', reset: 'ACTIVE' },
    REDUCING: { reduce_positions: 'REDUCING', halt: 'HALTED', positions_reduced: 'ACTIVE', reset: 'ACTIVE' },
    HALTED: { reduce_positions: 'HALTED', halt: 'HALTED', positions_reduced: 'HALTED', reset: 'ACTIVE' },
  };
  for (const state of TradingState.options) {
    for (const event of TradingStateEvent.options) {
      const want = expected[state][event];
      it(`${state} + ${event} → ${want}`, () => {
        if (want === 'throws')
          expect(() => transitionTradingState(state, event)).toThrow(/no transition from ACTIVE on positions_reduced/);
        else expect(transitionTradingState(state, event)).toBe(want);
      });
    }
  }
});
