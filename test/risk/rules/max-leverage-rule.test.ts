import { describe, expect, it } from 'vitest';
import { decide, expectApproved, expectDenied } from '../risk-builders.ts';

describe('max leverage rule', () => {
  it('approves the default maximum of 5x', () => {
    // 2 % margin at 5x = 1000 notional.
    expectApproved(decide({ sizePct: 2, leverage: 5 }));
  });

  it('approves exactly the configured maximum and denies just above it', () => {
    expectApproved(decide({ sizePct: 5, leverage: 3 }, {}, { maxLeverage: 3 }));
    expect(expectDenied(decide({ sizePct: 5, leverage: 3.01 }, {}, { maxLeverage: 3 })).reasons).toEqual([
      { rule: 'max_leverage', message: 'leverage 3.01 exceeds the maximum 3' },
    ]);
  });

  it('never blocks an exit', () => {
    const position = { symbol: 'BTC/USD', side: 'long' as const, notionalUsd: '5000', leverage: 5 };
    expectApproved(
      decide(
        { side: 'sell', intent: 'exit', sizePct: 10, leverage: 5 },
        { openPositions: [position] },
        { maxLeverage: 2 },
      ),
    );
  });
});
