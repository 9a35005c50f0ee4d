import { describe, expect, it } from 'vitest';
import { maxOrderNotionalRule } from '../../../src/risk/rules/max-order-notional-rule.ts';
import { aPosition, aRuleInput, cappedBy, decide, expectApproved } from '../risk-builders.ts';

const config = { maxOrderNotionalUsd: '1000' };

describe('max order notional rule', () => {
  it('leaves an order of exactly the maximum untouched', () => {
    expect(cappedBy(expectApproved(decide({ sizePct: 10 }, {}, config)))).toEqual([]);
  });

  it('caps an order just above the maximum to it', () => {
    expect(expectApproved(decide({ sizePct: 10.01 }, {}, config)).adjustments).toEqual([
      {
        rule: 'max_order_notional',
        message: 'order notional is limited to 1000',
        fromNotionalUsd: '1001',
        toNotionalUsd: '1000',
      },
    ]);
  });

  it('never caps an exit: a close-out goes out whole', () => {
    const approval = expectApproved(
      decide(
        { side: 'sell', intent: 'exit', sizePct: 15 },
        { openPositions: [aPosition({ symbol: 'BTC/USD', notionalUsd: '1500' })] },
        config,
      ),
    );
    expect(approval).toMatchObject({ notionalUsd: '1500', adjustments: [] });
  });

  it('on its own: no verdict at exactly the maximum, a cap to it just above', () => {
    expect(maxOrderNotionalRule(aRuleInput({ sizePct: 10 }, {}, config))).toBeUndefined();
    expect(maxOrderNotionalRule(aRuleInput({ sizePct: 10.01 }, {}, config))).toMatchObject({
      cap: { notionalUsd: '1000' },
    });
  });
});
