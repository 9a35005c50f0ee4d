import { describe, expect, it } from 'vitest';
import { decide, expectApproved, expectDenied } from '../risk-builders.ts';

describe('stop-loss required rule', () => {
  it('denies an entry without a stop-loss', () => {
    expect(expectDenied(decide({ stopLoss: null })).reasons).toEqual([
      { rule: 'stop_loss_required', message: 'an entry needs a stop-loss' },
    ]);
  });

  it('approves an entry without a stop-loss when not required', () => {
    expectApproved(decide({ stopLoss: null }, {}, { stopLoss: { required: false } }));
  });

  it('approves an exit without a stop-loss', () => {
    const position = { symbol: 'BTC/USD', side: 'long' as const, notionalUsd: '1000', leverage: 1 };
    expectApproved(decide({ side: 'sell', intent: 'exit', stopLoss: null }, { openPositions: [position] }));
  });
});
