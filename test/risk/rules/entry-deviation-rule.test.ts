import { describe, expect, it } from 'vitest';
import { entryDeviationRule } from '../../../src/risk/rules/entry-deviation-rule.ts';
import { aPosition, aRuleInput, decide, deniedBy, expectApproved, expectDenied } from '../risk-builders.ts';

// The market trades at 50000 (the default context); the stop 49000 is 2 % below it.
describe('entry deviation rule', () => {
  it('approves an entry priced 0.4 % from the market, sized at the market price, not at its own', () => {
    const approval = expectApproved(decide({ entryPrice: '50200' }));
    // 1000 / 50000, not 1000 / 50200.
    expect(approval).toMatchObject({ notionalUsd: '1000', quantity: '0.02' });
  });

  it('passes exactly the maximum, denies just beyond it', () => {
    expect(entryDeviationRule(aRuleInput({ entryPrice: '50250' }))).toBeUndefined();
    expect(entryDeviationRule(aRuleInput({ entryPrice: '49750' }))).toBeUndefined();
    expect(entryDeviationRule(aRuleInput({ entryPrice: '50250.01' }))).toMatchObject({
      deny: { rule: 'entry_deviation' },
    });
  });

  it('denies an entry priced 0.6 % from the market with its own reason', () => {
    expect(expectDenied(decide({ entryPrice: '50300' })).reasons).toEqual([
      {
        rule: 'entry_deviation',
        message: 'price 50300 is 0.6% from the market price 50000 of BTC/USD, more than the allowed 0.5%',
      },
    ]);
    expect(deniedBy(decide({ entryPrice: '49700' }))).toEqual(['entry_deviation']);
  });

  it('denies an entry at 60 % from the market, whose stop set around it is as wrong', () => {
    // The stop 2 % below the proposal's price is 61 % below the market: far beyond the 10 % maximum.
    expect(deniedBy(decide({ entryPrice: '20000', stopLoss: '19600' }))).toEqual([
      'entry_deviation',
      'stop_loss_distance',
    ]);
    expect(deniedBy(decide({ entryPrice: '80000', stopLoss: '78400' }))).toEqual([
      'entry_deviation',
      'stop_loss_distance',
    ]);
  });

  it('sizes nothing from a wrong price: an entry at "1" while the market trades at 2720 is denied, its requested size from equity', () => {
    const decision = expectDenied(
      decide({ symbol: 'ETH/USD', entryPrice: '1', stopLoss: '0.98', takeProfit: null }, { marketPrice: '2720' }),
    );
    expect(decision.reasons.map((r) => r.rule)).toContain('entry_deviation');
    expect(decision.requestedNotionalUsd).toBe('1000');
  });

  it('follows maxEntryDeviationPct', () => {
    expectApproved(decide({ entryPrice: '50500', stopLoss: '49000' }, {}, { maxEntryDeviationPct: 1 }));
    expect(deniedBy(decide({ entryPrice: '50500.01' }, {}, { maxEntryDeviationPct: 1 }))).toEqual(['entry_deviation']);
  });

  it('exempts an exit of a position, sized by the position whatever its price: it goes through when the market moved', () => {
    const position = aPosition({ symbol: 'BTC/USD', notionalUsd: '1000', quantity: '0.02' });
    const approval = expectApproved(
      decide(
        { side: 'sell', intent: 'exit', entryPrice: '1', stopLoss: null, takeProfit: null },
        { openPositions: [position] },
      ),
    );
    expect(approval).toMatchObject({ quantity: '0.02', notionalUsd: '1000' });
  });

  it("checks a rebalance's trades, sized by notional at a price the rebalance fitted them to", () => {
    const rebalance = { purpose: 'rebalance' as const, stopLoss: null, takeProfit: null, regime: null, confidence: 1 };
    expect(deniedBy(decide({ ...rebalance, entryPrice: '45000' }))).toEqual(['entry_deviation']);
    expect(deniedBy(decide({ ...rebalance, side: 'sell', intent: 'exit', entryPrice: '45000' }))).toEqual([
      'entry_deviation',
    ]);
  });

  it('leaves a missing market price to positive_market_price', () => {
    expect(deniedBy(decide({}, { marketPrice: '0' }))).toEqual(['positive_market_price']);
  });
});
