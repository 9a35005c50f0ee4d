import { describe, expect, it } from 'vitest';
import { freeCashRule } from '../../../src/risk/rules/free-cash-rule.ts';
import { aPosition, aRuleInput, cappedBy, decide, deniedBy, expectApproved } from '../risk-builders.ts';

// Equity 10000, a buy of 10 % (1000) at 1x; the reserve is 1 % by default.
describe('free cash rule', () => {
  it('leaves a spot buy of exactly the free cash less the reserve untouched', () => {
    // 1000 × 0.99 = 990: a buy of exactly 990 (9.9 % of equity) passes, a cent more is cut.
    expect(cappedBy(decide({ sizePct: 9.9 }, { freeCashUsd: '1000' }))).toEqual([]);
    expect(cappedBy(decide({ sizePct: 9.9001 }, { freeCashUsd: '1000' }))).toEqual(['free_cash']);
    expect(freeCashRule(aRuleInput({}, { freeCashUsd: '2000' }))).toBeUndefined();
  });

  it('cuts a spot buy above it to the free cash less the reserve, recording from and to', () => {
    const approval = expectApproved(decide({}, { freeCashUsd: '500' }));
    expect(approval.notionalUsd).toBe('495');
    expect(approval.adjustments).toEqual([
      {
        rule: 'free_cash',
        message: 'free cash 500 less the 1% reserve pays for at most 495',
        fromNotionalUsd: '1000',
        toNotionalUsd: '495',
      },
    ]);
  });

  it('follows cashReservePct', () => {
    expect(expectApproved(decide({}, { freeCashUsd: '500' }, { cashReservePct: 10 })).notionalUsd).toBe('450');
    expect(expectApproved(decide({}, { freeCashUsd: '500' }, { cashReservePct: 0 })).notionalUsd).toBe('500');
  });

  it('denies a spot buy when no free cash is left (all of it held by open buys, or negative)', () => {
    expect(deniedBy(decide({}, { freeCashUsd: '0' }))).toEqual(['free_cash']);
    expect(deniedBy(decide({}, { freeCashUsd: '-25' }))).toEqual(['free_cash']);
  });

  it('leaves sells, exits, margin orders and an unknown free cash alone', () => {
    const long = aPosition({ symbol: 'BTC/USD', notionalUsd: '1000' });
    expect(
      freeCashRule(aRuleInput({ side: 'sell', intent: 'exit' }, { freeCashUsd: '0', openPositions: [long] })),
    ).toBeUndefined();
    expect(freeCashRule(aRuleInput({ side: 'buy', leverage: 2 }, { freeCashUsd: '0' }))).toBeUndefined();
    expect(freeCashRule(aRuleInput({}, {}))).toBeUndefined();
  });
});
