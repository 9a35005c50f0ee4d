import { describe, expect, it } from 'vitest';
import { aRiskState, decide, deniedBy, expectApproved } from '../risk-builders.ts';

const longBtc = { symbol: 'BTC/USD', side: 'long' as const, notionalUsd: '1000', leverage: 1 };
const exit = { side: 'sell' as const, intent: 'exit' as const };

describe('trading state rule', () => {
  it('approves an entry while ACTIVE', () => {
    expectApproved(decide());
  });

  describe('REDUCING', () => {
    const state = aRiskState({ tradingState: 'REDUCING' });

    it('denies an entry that adds exposure', () => {
      const decision = decide({}, { state });
      expect(deniedBy(decision)).toEqual(['trading_state']);
      expect(decision.decision === 'denied' && decision.reasons[0]?.message).toBe(
        'trading is REDUCING: only orders that reduce exposure are allowed',
      );
    });

    it('approves an exit', () => {
      expectApproved(decide(exit, { state, openPositions: [longBtc] }));
    });

    it('approves an entry against the open position up to exactly its size, and denies one that would flip it', () => {
      expectApproved(decide({ side: 'sell', stopLoss: null, sizePct: 10 }, { state, openPositions: [longBtc] }));
      expect(
        deniedBy(
          decide({ side: 'sell', stopLoss: '51000', sizePct: 5.01, leverage: 2 }, { state, openPositions: [longBtc] }),
        ),
      ).toEqual(['trading_state']);
    });
  });

  describe('HALTED', () => {
    const state = aRiskState({ tradingState: 'HALTED' });

    it('denies an entry', () => {
      expect(deniedBy(decide({}, { state }))).toEqual(['trading_state']);
    });

    it('denies even an entry that would reduce a position: only exits go on', () => {
      expect(
        deniedBy(decide({ side: 'sell', stopLoss: null, sizePct: 5 }, { state, openPositions: [longBtc] })),
      ).toEqual(['trading_state']);
    });

    it('approves an exit (the close-out)', () => {
      expectApproved(decide(exit, { state, openPositions: [longBtc] }));
    });
  });
});
