import { describe, expect, it } from 'vitest';
import { decide, deniedBy, expectApproved, expectDenied } from '../risk-builders.ts';

// Entry 50000; defaults: min 0.5 % (250), max 10 % (5000).
describe('stop-loss distance rule', () => {
  it.each([
    ['buy at exactly the minimum distance', 'buy', '49750'],
    ['buy at exactly the maximum distance', 'buy', '45000'],
    ['sell at exactly the minimum distance', 'sell', '50250'],
    ['sell at exactly the maximum distance', 'sell', '55000'],
  ] as const)('approves a %s', (_, side, stopLoss) => {
    expectApproved(decide({ side, stopLoss, takeProfit: null, leverage: side === 'sell' ? 2 : 1 }));
  });

  it.each([
    ['buy just inside the minimum distance', 'buy', '49750.01', 'is 0.49998% away, closer than the minimum 0.5%'],
    ['buy just beyond the maximum distance', 'buy', '44999.99', 'is 10.00002% away, farther than the maximum 10%'],
    ['sell just inside the minimum distance', 'sell', '50249.99', 'is 0.49998% away, closer than the minimum 0.5%'],
    ['sell just beyond the maximum distance', 'sell', '55000.01', 'is 10.00002% away, farther than the maximum 10%'],
    ['buy with the stop at the entry', 'buy', '50000', 'is on the wrong side of the entry'],
    ['buy with the stop above the entry', 'buy', '51000', 'is on the wrong side of the entry'],
    ['sell with the stop below the entry', 'sell', '49000', 'is on the wrong side of the entry'],
  ] as const)('denies a %s', (_, side, stopLoss, message) => {
    const decision = expectDenied(decide({ side, stopLoss, takeProfit: null, leverage: side === 'sell' ? 2 : 1 }));
    expect(decision.reasons).toEqual([
      { rule: 'stop_loss_distance', message: `stop-loss ${stopLoss} of a ${side} at 50000 ${message}` },
    ]);
  });

  it('follows the configured bounds', () => {
    const config = { stopLoss: { minDistancePct: 1, maxDistancePct: 3 } };
    expectApproved(decide({ stopLoss: '49500' }, {}, config));
    expect(deniedBy(decide({ stopLoss: '49500.01' }, {}, config))).toEqual(['stop_loss_distance']);
  });

  it('does not judge the stop of an exit', () => {
    const position = { symbol: 'BTC/USD', side: 'long' as const, notionalUsd: '1000', leverage: 1 };
    expectApproved(decide({ side: 'sell', intent: 'exit', stopLoss: '49999' }, { openPositions: [position] }));
  });
});
