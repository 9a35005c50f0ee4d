import { describe, expect, it } from 'vitest';
import { aRiskState, decide, expectApproved, expectDenied, NOW_MS } from '../risk-builders.ts';

describe('entries paused rule', () => {
  it('denies an entry until the pause ends', () => {
    expect(expectDenied(decide({}, { state: aRiskState({ entriesPausedUntilMs: NOW_MS + 1 }) })).reasons).toEqual([
      { rule: 'entries_paused', message: 'new entries are paused by a circuit breaker until 2025-01-15T12:00:00.001Z' },
    ]);
  });

  it('approves an entry at exactly the end of the pause', () => {
    expectApproved(decide({}, { state: aRiskState({ entriesPausedUntilMs: NOW_MS }) }));
  });

  it('never blocks an exit', () => {
    const position = { symbol: 'BTC/USD', side: 'long' as const, notionalUsd: '1000', leverage: 1 };
    expectApproved(
      decide(
        { side: 'sell', intent: 'exit' },
        { openPositions: [position], state: aRiskState({ entriesPausedUntilMs: NOW_MS + 1 }) },
      ),
    );
  });
});
