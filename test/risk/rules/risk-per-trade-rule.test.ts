import { describe, expect, it } from 'vitest';
import { riskPerTradeRule } from '../../../src/risk/rules/risk-per-trade-rule.ts';
import { aRuleInput, cappedBy, decide, expectApproved } from '../risk-builders.ts';

// Equity 10000, riskPerTradePct 1 (100 at risk), stop 2 % away: at most 5000 notional.
// Position and exposure limits are lifted so that only this rule sizes.
const config = { maxPositionPct: 100, maxExposurePct: 100 };

describe('risk per trade rule', () => {
  it('leaves an order of exactly the risk-sized notional untouched', () => {
    expect(cappedBy(expectApproved(decide({ sizePct: 50 }, {}, config)))).toEqual([]);
    expect(cappedBy(expectApproved(decide({ sizePct: 10, leverage: 5 }, {}, config)))).toEqual([]);
  });

  it('caps an order just above it', () => {
    expect(expectApproved(decide({ sizePct: 50.01 }, {}, config)).adjustments).toEqual([
      {
        rule: 'risk_per_trade',
        message: 'a stop 2% away may lose at most 1% of equity 10000: notional up to 5000',
        fromNotionalUsd: '5001',
        toNotionalUsd: '5000',
      },
    ]);
  });

  it('sizes a short from a stop above the entry', () => {
    expect(
      expectApproved(decide({ side: 'sell', stopLoss: '52000', sizePct: 50, leverage: 2 }, {}, config)),
    ).toMatchObject({ notionalUsd: '2500' });
  });

  it('cuts an odd limit towards zero so it is never exceeded', () => {
    // A stop 3 % away: 10000 × 1 / 3 = 3333.333…
    expect(expectApproved(decide({ stopLoss: '48500', sizePct: 50 }, {}, config))).toMatchObject({
      notionalUsd: '3333.33333333',
      quantity: '0.06666666',
    });
  });

  it('sizes nothing without a stop-loss (when none is required)', () => {
    expect(
      cappedBy(
        expectApproved(decide({ stopLoss: null, sizePct: 90 }, {}, { ...config, stopLoss: { required: false } })),
      ),
    ).toEqual([]);
  });

  it('on its own: no verdict at exactly the risk-sized notional, a cap to it just above', () => {
    expect(riskPerTradeRule(aRuleInput({ sizePct: 50 }, {}, config))).toBeUndefined();
    expect(riskPerTradeRule(aRuleInput({ sizePct: 50.01 }, {}, config))).toMatchObject({
      cap: { notionalUsd: '5000' },
    });
  });
});
