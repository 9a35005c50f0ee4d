import { describe, expect, it } from 'vitest';
import { aPosition, decide, deniedBy, expectApproved, expectDenied } from '../risk-builders.ts';

const others = ['ETH/USD', 'SOL/USD', 'XRP/USD', 'ADA/USD'].map((symbol) => aPosition({ symbol, notionalUsd: '500' }));

describe('max open positions rule', () => {
  it('approves a new position while one below the maximum (4) are open', () => {
    expectApproved(decide({}, { openPositions: others.slice(0, 3) }));
  });

  it('denies a new position at exactly the maximum', () => {
    expect(expectDenied(decide({}, { openPositions: others })).reasons).toEqual([
      { rule: 'max_open_positions', message: '4 positions are open, the maximum is 4; no new position in BTC/USD' },
    ]);
  });

  it('approves adding to a symbol that already has a position', () => {
    const openPositions = [...others.slice(0, 3), aPosition({ symbol: 'BTC/USD', notionalUsd: '500' })];
    expectApproved(decide({}, { openPositions }));
  });

  it('approves an exit with the maximum open', () => {
    const openPositions = [...others.slice(0, 3), aPosition({ symbol: 'BTC/USD', notionalUsd: '500' })];
    expectApproved(decide({ side: 'sell', intent: 'exit' }, { openPositions }, { maxOpenPositions: 1 }));
  });

  it('approves a rebalance buy with the maximum open: the core allocation opens no position', () => {
    const openPositions = others.slice(0, 4);
    expectApproved(decide({ purpose: 'rebalance', stopLoss: null, takeProfit: null }, { openPositions }));
    expect(deniedBy(decide({}, { openPositions }))).toEqual(['max_open_positions']);
  });
});
