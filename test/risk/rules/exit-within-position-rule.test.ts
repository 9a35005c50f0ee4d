import { describe, expect, it } from 'vitest';
import { exitWithinPositionRule } from '../../../src/risk/rules/exit-within-position-rule.ts';
import { aPosition, aRuleInput, cappedBy, decide, deniedBy, expectApproved, expectDenied } from '../risk-builders.ts';

const longBtc = aPosition({ symbol: 'BTC/USD', side: 'long', notionalUsd: '1000' });
const shortBtc = aPosition({ symbol: 'BTC/USD', side: 'short', notionalUsd: '1000' });

describe('exit within position rule', () => {
  it('leaves an exit of exactly the position untouched', () => {
    expect(expectApproved(decide({ side: 'sell', intent: 'exit', sizePct: 10 }, { openPositions: [longBtc] }))).toMatchObject({ notionalUsd: '1000', adjustments: [] });
  });

  it('caps an exit just larger than the position to it, so it never flips', () => {
    expect(expectApproved(decide({ side: 'sell', intent: 'exit', sizePct: 10.01 }, { openPositions: [longBtc] })).adjustments).toEqual([
      { rule: 'exit_within_position', message: "an exit is limited to the long position's notional 1000 (requested 1001)", fromNotionalUsd: '1001', toNotionalUsd: '1000' },
    ]);
  });

  it('closes a whole short with a buy exit of 100 %', () => {
    const approval = expectApproved(decide({ side: 'buy', intent: 'exit', sizePct: 100, leverage: 5 }, { openPositions: [shortBtc] }));
    expect(approval).toMatchObject({ notionalUsd: '1000', quantity: '0.02' });
    expect(cappedBy(approval)).toEqual(['exit_within_position']);
  });

  it.each([
    ['no position at all', 'sell', [], 'no long position in BTC/USD for a sell exit'],
    ['a position on the same side', 'buy', [longBtc], 'no short position in BTC/USD for a buy exit'],
    ['only a position in another symbol', 'sell', [aPosition({ symbol: 'ETH/USD' })], 'no long position in BTC/USD for a sell exit'],
  ] as const)('denies an exit with %s', (_, side, openPositions, message) => {
    expect(expectDenied(decide({ side, intent: 'exit' }, { openPositions: [...openPositions] })).reasons).toEqual([{ rule: 'exit_within_position', message }]);
  });

  it('on its own: no verdict for an exit of exactly the position, a cap to it just above', () => {
    expect(exitWithinPositionRule(aRuleInput({ side: 'sell', intent: 'exit', sizePct: 10 }, { openPositions: [longBtc] }))).toBeUndefined();
    expect(exitWithinPositionRule(aRuleInput({ side: 'sell', intent: 'exit', sizePct: 10.01 }, { openPositions: [longBtc] }))).toMatchObject({ cap: { notionalUsd: '1000' } });
  });

  it('lets a rebalance sell through without a position: it sells the core allocation, which no position tracks', () => {
    expect(exitWithinPositionRule(aRuleInput({ side: 'sell', intent: 'exit', purpose: 'rebalance', sizePct: 10 }))).toBeUndefined();
    expectApproved(decide({ side: 'sell', intent: 'exit', purpose: 'rebalance', stopLoss: null, takeProfit: null }));
    // The same sell as a trade's exit is denied.
    expect(deniedBy(decide({ side: 'sell', intent: 'exit', stopLoss: null, takeProfit: null }))).toEqual(['exit_within_position']);
  });
});
