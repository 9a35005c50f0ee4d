import { describe, expect, it } from 'vitest';
import { decide, expectApproved, expectDenied } from '../risk-builders.ts';

describe('min confidence rule', () => {
  it('approves exactly the minimum confidence (0.6)', () => {
    expectApproved(decide({ confidence: 0.6 }));
  });

  it('denies just below it', () => {
    expect(expectDenied(decide({ confidence: 0.5999 })).reasons).toEqual([
      { rule: 'min_confidence', message: 'confidence 0.5999 is below the minimum 0.6' },
    ]);
  });

  it('never blocks an exit', () => {
    const position = { symbol: 'BTC/USD', side: 'long' as const, notionalUsd: '1000', leverage: 1 };
    expectApproved(decide({ side: 'sell', intent: 'exit', confidence: 0 }, { openPositions: [position] }));
  });
});
