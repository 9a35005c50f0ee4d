import { describe, expect, it } from 'vitest';
import { maxPositionSizeRule } from '../../../src/risk/rules/max-position-size-rule.ts';
import { aPosition, aRuleInput, cappedBy, decide, deniedBy, expectApproved, expectDenied } from '../risk-builders.ts';

// Equity 10000, maxPositionPct 20: a position of at most 2000 notional.
describe('max position size rule', () => {
  it('leaves an order of exactly the limit untouched', () => {
    const approval = expectApproved(decide({ sizePct: 20 }));
    expect(approval).toMatchObject({ notionalUsd: '2000', sizePct: 20, adjustments: [] });
  });

  it('caps an order just above the limit to it, recording from and to', () => {
    const approval = expectApproved(decide({ sizePct: 20.01 }));
    expect(approval).toMatchObject({ notionalUsd: '2000', sizePct: 20, quantity: '0.04' });
    expect(approval.adjustments).toEqual([
      {
        rule: 'max_position_size',
        message: 'BTC/USD position limit 2000 (20% of equity 10000) leaves room for 2000 next to the open 0',
        fromNotionalUsd: '2001',
        toNotionalUsd: '2000',
      },
    ]);
  });

  it('measures notional: leverage counts', () => {
    expect(cappedBy(decide({ sizePct: 4, leverage: 5 }))).toEqual([]);
    expect(cappedBy(decide({ sizePct: 4.01, leverage: 5 }))).toEqual(['max_position_size']);
  });

  it('counts the open position of the symbol on the same side', () => {
    const openPositions = [aPosition({ symbol: 'BTC/USD', notionalUsd: '1500' })];
    expect(cappedBy(decide({ sizePct: 5 }, { openPositions }))).toEqual([]);
    expect(expectApproved(decide({ sizePct: 5.01 }, { openPositions })).notionalUsd).toBe('500');
  });

  it('denies when the open position already fills the limit', () => {
    const decision = expectDenied(
      decide({}, { openPositions: [aPosition({ symbol: 'BTC/USD', notionalUsd: '2000' })] }),
    );
    expect(decision.reasons).toEqual([
      {
        rule: 'max_position_size',
        message: 'BTC/USD position limit 2000 (20% of equity 10000) is used up by the open 2000',
      },
    ]);
  });

  it('does not count a position on the other side or of another symbol', () => {
    const openPositions = [
      aPosition({ symbol: 'BTC/USD', side: 'short', notionalUsd: '500' }),
      aPosition({ symbol: 'ETH/USD', notionalUsd: '2000' }),
    ];
    // 1000 against a 500 short flips it: an entry of its own, sized against an empty long side.
    expect(cappedBy(decide({ sizePct: 20 }, { openPositions }))).toEqual([]);
  });

  it('on its own: no verdict at exactly the limit, a cap to it just above', () => {
    expect(maxPositionSizeRule(aRuleInput({ sizePct: 20 }))).toBeUndefined();
    expect(maxPositionSizeRule(aRuleInput({ sizePct: 20.01 }))).toMatchObject({ cap: { notionalUsd: '2000' } });
  });

  it('leaves a rebalance buy alone: it tops up the core allocation, no position', () => {
    const openPositions = [aPosition({ symbol: 'BTC/USD', notionalUsd: '2000' })];
    const rebalanceBuy = { sizePct: 30, purpose: 'rebalance', stopLoss: null, takeProfit: null } as const;
    expect(cappedBy(expectApproved(decide(rebalanceBuy, { openPositions })))).not.toContain('max_position_size');
    expect(deniedBy(decide({ ...rebalanceBuy, purpose: 'entry', stopLoss: '45000' }, { openPositions }))).toContain(
      'max_position_size',
    );
  });
});
