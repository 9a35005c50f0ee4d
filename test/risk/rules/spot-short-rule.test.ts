import { describe, expect, it } from 'vitest';
import { aPosition, decide, deniedBy, expectApproved } from '../risk-builders.ts';

describe('spot short rule', () => {
  it('denies a short entry at leverage 1: spot cannot sell what it does not hold', () => {
    expect(deniedBy(decide({ side: 'sell', stopLoss: '51000', leverage: 1 }))).toEqual(['spot_short']);
  });

  it('allows a short entry on margin (leverage above 1)', () => {
    expectApproved(decide({ side: 'sell', stopLoss: '51000', leverage: 2 }));
  });

  it('allows selling a held long at leverage 1 (an exit, not a short)', () => {
    expectApproved(
      decide(
        { side: 'sell', intent: 'exit', leverage: 1 },
        { openPositions: [aPosition({ symbol: 'BTC/USD', notionalUsd: '1000' })] },
      ),
    );
  });
});
