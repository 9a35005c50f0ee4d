import { describe, expect, it } from 'vitest';
import { maxExposureRule } from '../../../src/risk/rules/max-exposure-rule.ts';
import { aPosition, aRuleInput, cappedBy, decide, expectApproved, expectDenied } from '../risk-builders.ts';

// Equity 10000, maxExposurePct 30: all positions together at most 3000 notional.
const config = { maxExposurePct: 30 };
const eth = aPosition({ symbol: 'ETH/USD', notionalUsd: '1500' });
const sol = aPosition({ symbol: 'SOL/USD', side: 'short', notionalUsd: '1000' });

describe('max exposure rule', () => {
  it('leaves an order filling exactly the room left untouched (both sides count)', () => {
    expect(cappedBy(expectApproved(decide({ sizePct: 5 }, { openPositions: [eth, sol] }, config)))).toEqual([]);
  });

  it('caps an order just above the room left to it', () => {
    const approval = expectApproved(decide({ sizePct: 5.01 }, { openPositions: [eth, sol] }, config));
    expect(approval.notionalUsd).toBe('500');
    expect(approval.adjustments).toEqual([
      {
        rule: 'max_exposure',
        message: 'exposure limit 3000 (30% of equity 10000) leaves room for 500 next to open positions of 2500',
        fromNotionalUsd: '501',
        toNotionalUsd: '500',
      },
    ]);
  });

  it('denies when open positions fill the limit', () => {
    const full = aPosition({ symbol: 'SOL/USD', notionalUsd: '1500' });
    expect(expectDenied(decide({}, { openPositions: [eth, full] }, config)).reasons).toEqual([
      {
        rule: 'max_exposure',
        message: 'exposure limit 3000 (30% of equity 10000) is used up by open positions of 3000',
      },
    ]);
  });

  it('never caps an exit', () => {
    const btc = aPosition({ symbol: 'BTC/USD', notionalUsd: '2000' });
    expect(
      cappedBy(
        expectApproved(decide({ side: 'sell', intent: 'exit', sizePct: 20 }, { openPositions: [eth, btc] }, config)),
      ),
    ).toEqual([]);
  });

  it('on its own: no verdict at exactly the room left, a cap to it just above', () => {
    expect(maxExposureRule(aRuleInput({ sizePct: 5 }, { openPositions: [eth, sol] }, config))).toBeUndefined();
    expect(maxExposureRule(aRuleInput({ sizePct: 5.01 }, { openPositions: [eth, sol] }, config))).toMatchObject({
      cap: { notionalUsd: '500' },
    });
  });
});
