import { describe, expect, it } from 'vitest';
import { aPosition, decide, deniedBy, expectApproved, expectDenied } from '../risk-builders.ts';

const btcLong = aPosition({ symbol: 'BTC/USD', notionalUsd: '500', quantity: '0.01' });

describe('max adds rule', () => {
  it('approves the first entry of a pair: nothing open, nothing on its way', () => {
    expectApproved(decide({}, { symbolEntries: 0 }));
  });

  it('denies a second entry by default (maxAddsPerPosition 0), whether the first is filled or on its way', () => {
    expect(expectDenied(decide({}, { openPositions: [btcLong], symbolEntries: 1 })).reasons).toEqual([
      {
        rule: 'max_adds',
        message: 'BTC/USD already has 1 entry open or on the way (0 adds); risk.maxAddsPerPosition is 0',
      },
    ]);
    // Approved a moment ago, no fill yet: no position, but the entry is on its way.
    expect(deniedBy(decide({}, { symbolEntries: 1 }))).toEqual(['max_adds']);
  });

  it('approves adds up to maxAddsPerPosition and denies the one after', () => {
    const context = { openPositions: [btcLong] };
    expectApproved(decide({}, { ...context, symbolEntries: 2 }, { maxAddsPerPosition: 2 }));
    expect(expectDenied(decide({}, { ...context, symbolEntries: 3 }, { maxAddsPerPosition: 2 })).reasons).toEqual([
      {
        rule: 'max_adds',
        message: 'BTC/USD already has 3 entries open or on the way (2 adds); risk.maxAddsPerPosition is 2',
      },
    ]);
  });

  it('approves an exit and a rebalance trade of a pair that has its entries', () => {
    const context = { openPositions: [btcLong], symbolEntries: 1 };
    expectApproved(decide({ side: 'sell', intent: 'exit', stopLoss: null, takeProfit: null }, context));
    expectApproved(decide({ purpose: 'rebalance', stopLoss: null, takeProfit: null }, context));
  });
});
