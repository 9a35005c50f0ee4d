import { describe, expect, it } from 'vitest';
import { decide, deniedBy, expectApproved } from '../risk-builders.ts';

describe('positive market price rule', () => {
  it.each(['0', '-1'])('denies every order at market price %s', (marketPrice) => {
    expect(deniedBy(decide({}, { marketPrice }))).toEqual(['positive_market_price']);
    const exit = decide(
      { side: 'sell', intent: 'exit' },
      { marketPrice, openPositions: [{ symbol: 'BTC/USD', side: 'long', notionalUsd: '1000', leverage: 1 }] },
    );
    expect(deniedBy(exit)).toEqual(['positive_market_price']);
  });

  it('approves at the smallest positive price', () => {
    expectApproved(
      decide({ entryPrice: '0.00000001', stopLoss: '0.0000000098', takeProfit: null }, { marketPrice: '0.00000001' }),
    );
  });
});
