import { describe, expect, it } from 'vitest';
import { aRiskState, decide, expectApproved, expectDenied, NOW_MS } from '../risk-builders.ts';

describe('cooldown rule', () => {
  it('denies an entry until the cooldown ends', () => {
    const state = aRiskState({ consecutiveLosses: 3, cooldownUntilMs: NOW_MS + 1 });
    expect(expectDenied(decide({}, { state })).reasons).toEqual([
      { rule: 'cooldown', message: 'cooldown after 3 consecutive losses until 2025-01-15T12:00:00.001Z (1 ms left)' },
    ]);
  });

  it('approves an entry at exactly the end of the cooldown', () => {
    expectApproved(decide({}, { state: aRiskState({ consecutiveLosses: 3, cooldownUntilMs: NOW_MS }) }));
  });

  it('never blocks an exit', () => {
    const position = { symbol: 'BTC/USD', side: 'long' as const, notionalUsd: '1000', leverage: 1 };
    expectApproved(
      decide(
        { side: 'sell', intent: 'exit' },
        { openPositions: [position], state: aRiskState({ cooldownUntilMs: NOW_MS + 1 }) },
      ),
    );
  });
});
