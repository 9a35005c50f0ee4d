import { describe, expect, it } from 'vitest';
import { decide, deniedBy, expectApproved, expectDenied } from '../risk-builders.ts';

describe('positive size rule', () => {
  it('denies a zero size with its own reason only (not also the minimum order)', () => {
    const decision = expectDenied(decide({ sizePct: 0 }));
    expect(decision.reasons).toEqual([{ rule: 'positive_size', message: 'notional 0 is not positive' }]);
  });

  it('denies an order whose quantity rounds to 0 at 8 decimals, approves one of exactly 0.00000001', () => {
    const expensive = { entryPrice: '1000000000', stopLoss: '980000000', takeProfit: null };
    const config = { minOrderUsd: '0' };
    // 0.1 % of 10000 = 10 → 10 / 1e9 = 0.00000001.
    const market = { marketPrice: '1000000000' };
    expect(expectApproved(decide({ ...expensive, sizePct: 0.1 }, market, config)).quantity).toBe('0.00000001');
    expect(deniedBy(decide({ ...expensive, sizePct: 0.0999999999 }, market, config))).toEqual(['positive_size']);
  });

  it('denies an order that caps leave nothing of', () => {
    const decision = decide(
      {},
      { openPositions: [{ symbol: 'BTC/USD', side: 'long', notionalUsd: '1999.999999999', leverage: 1 }] },
    );
    expect(deniedBy(decision)).toEqual(['positive_size']);
  });
});
