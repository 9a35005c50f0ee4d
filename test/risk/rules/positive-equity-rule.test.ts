import { describe, expect, it } from 'vitest';
import { decide, deniedBy, expectApproved } from '../risk-builders.ts';

describe('positive equity rule', () => {
  it.each(['0', '-250.5'])('denies every order at equity %s', (equityUsd) => {
    expect(deniedBy(decide({}, { equityUsd }))).toContain('positive_equity');
    const exit = decide(
      { side: 'sell', intent: 'exit' },
      { equityUsd, openPositions: [{ symbol: 'BTC/USD', side: 'long', notionalUsd: '1000', leverage: 1 }] },
    );
    expect(deniedBy(exit)).toContain('positive_equity');
  });

  it('approves just above zero when the order is still large enough', () => {
    // 10 % of 100 = 10, exactly the minimum order.
    expectApproved(decide({}, { equityUsd: '100' }));
  });
});
