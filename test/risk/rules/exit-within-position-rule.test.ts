import { Decimal } from 'decimal.js';
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { InstrumentBook } from '../../../src/market/instrument-book.ts';
import { exitWithinPositionRule } from '../../../src/risk/rules/exit-within-position-rule.ts';
import { aPosition, aRuleInput, cappedBy, decide, deniedBy, expectApproved, expectDenied } from '../risk-builders.ts';

const longBtc = aPosition({ symbol: 'BTC/USD', side: 'long', notionalUsd: '1000' });
const shortBtc = aPosition({ symbol: 'BTC/USD', side: 'short', notionalUsd: '1000' });

describe('exit within position rule', () => {
  it('leaves an exit of exactly the position untouched', () => {
    expect(
      expectApproved(decide({ side: 'sell', intent: 'exit', sizePct: 10 }, { openPositions: [longBtc] })),
    ).toMatchObject({ notionalUsd: '1000', adjustments: [] });
  });

  it('caps an exit just larger than the position to it, so it never flips', () => {
    expect(
      expectApproved(decide({ side: 'sell', intent: 'exit', sizePct: 10.01 }, { openPositions: [longBtc] }))
        .adjustments,
    ).toEqual([
      {
        rule: 'exit_within_position',
        message:
          'an exit is limited to what is left of the long BTC/USD position, 0.02 at 50000: notional 1000 (requested 1001)',
        fromNotionalUsd: '1001',
        toNotionalUsd: '1000',
      },
    ]);
  });

  it('closes a whole short with a buy exit of 100 %', () => {
    const approval = expectApproved(
      decide({ side: 'buy', intent: 'exit', sizePct: 100, leverage: 5 }, { openPositions: [shortBtc] }),
    );
    expect(approval).toMatchObject({ notionalUsd: '1000', quantity: '0.02' });
    expect(cappedBy(approval)).toEqual(['exit_within_position']);
  });

  it.each([
    ['no position at all', 'sell', [], 'no long position in BTC/USD for a sell exit'],
    ['a position on the same side', 'buy', [longBtc], 'no short position in BTC/USD for a buy exit'],
    [
      'only a position in another symbol',
      'sell',
      [aPosition({ symbol: 'ETH/USD' })],
      'no long position in BTC/USD for a sell exit',
    ],
  ] as const)('denies an exit with %s', (_, side, openPositions, message) => {
    expect(expectDenied(decide({ side, intent: 'exit' }, { openPositions: [...openPositions] })).reasons).toEqual([
      { rule: 'exit_within_position', message },
    ]);
  });

  it('on its own: no verdict for an exit of exactly the position, a cap to it just above', () => {
    expect(
      exitWithinPositionRule(aRuleInput({ side: 'sell', intent: 'exit', sizePct: 10 }, { openPositions: [longBtc] })),
    ).toBeUndefined();
    expect(
      exitWithinPositionRule(
        aRuleInput({ side: 'sell', intent: 'exit', sizePct: 10.01 }, { openPositions: [longBtc] }),
      ),
    ).toMatchObject({ cap: { notionalUsd: '1000' } });
  });

  it('lets a rebalance sell through without a position: it sells the core allocation, which no position tracks', () => {
    expect(
      exitWithinPositionRule(aRuleInput({ side: 'sell', intent: 'exit', purpose: 'rebalance', sizePct: 10 })),
    ).toBeUndefined();
    expectApproved(decide({ side: 'sell', intent: 'exit', purpose: 'rebalance', stopLoss: null, takeProfit: null }));
    // The same sell as a trade's exit is denied.
    expect(deniedBy(decide({ side: 'sell', intent: 'exit', stopLoss: null, takeProfit: null }))).toEqual([
      'exit_within_position',
    ]);
  });
});

describe('exit within position rule: sized by what is left of the position', () => {
  // 0.02 BTC held at 50000 (notional 1000).
  const held = (overrides: Parameters<typeof aPosition>[0] = {}) =>
    aPosition({ symbol: 'BTC/USD', side: 'long', notionalUsd: '1000', quantity: '0.02', ...overrides });
  const closeAll = { side: 'sell' as const, intent: 'exit' as const, sizePct: 100, stopLoss: null, takeProfit: null };

  it("takes the position's quantity less the exits already pending", () => {
    const approval = expectApproved(decide(closeAll, { openPositions: [held({ pendingExitQuantity: '0.005' })] }));
    expect(approval).toMatchObject({ quantity: '0.015', notionalUsd: '750' });
    expect(approval.adjustments).toEqual([
      {
        rule: 'exit_within_position',
        message:
          'an exit is limited to what is left of the long BTC/USD position, 0.015 (0.005 already leaving) at 50000: notional 750 (requested 10000)',
        fromNotionalUsd: '10000',
        toNotionalUsd: '750',
      },
    ]);
  });

  it('denies a second exit while an approved one is in flight, with its own reason', () => {
    expect(expectDenied(decide(closeAll, { openPositions: [held({ exitInFlight: true })] })).reasons).toEqual([
      {
        rule: 'exit_in_flight',
        message: 'an approved exit of the long BTC/USD position is not done yet: one exit at a time',
      },
    ]);
  });

  it('denies an exit when the exits in flight already take the whole position', () => {
    expect(deniedBy(decide(closeAll, { openPositions: [held({ pendingExitQuantity: '0.02' })] }))).toEqual([
      'exit_in_flight',
    ]);
    expect(deniedBy(decide(closeAll, { openPositions: [held({ pendingExitQuantity: '0.03' })] }))).toEqual([
      'exit_in_flight',
    ]);
  });

  it('takes a remainder below the pair’s minimum order with the exit: no dust position is left', () => {
    const instrument = InstrumentBook.shipped().get('XRP/USD');
    const xrp = held({ symbol: 'XRP/USD', notionalUsd: '250', quantity: '100' });
    const exit = { ...closeAll, symbol: 'XRP/USD', entryPrice: '2.5' };
    // 95 XRP asked would leave 5, below ordermin 10: all 100 go.
    expect(
      expectApproved(decide({ ...exit, sizePct: 2.375 }, { marketPrice: '2.5', instrument, openPositions: [xrp] })),
    ).toMatchObject({ quantity: '100', notionalUsd: '250' });
    // 90 leaves 10, which an order can still close.
    expect(
      expectApproved(decide({ ...exit, sizePct: 2.25 }, { marketPrice: '2.5', instrument, openPositions: [xrp] })),
    ).toMatchObject({ quantity: '90', notionalUsd: '225' });
  });

  it('never approves more than the position quantity less pending exits, whatever is asked', () => {
    fc.assert(
      fc.property(
        fc.integer({ min: 1, max: 10_000 }),
        fc.integer({ min: 0, max: 3_000 }),
        fc.integer({ min: 1, max: 100_000 }),
        (heldSats, pendingSats, sizePctMilli) => {
          const quantity = new Decimal(heldSats).div(1e4);
          const pending = new Decimal(pendingSats).div(1e4);
          const decision = decide(
            { ...closeAll, sizePct: sizePctMilli / 1000 },
            {
              openPositions: [
                held({
                  quantity: quantity.toFixed(),
                  pendingExitQuantity: pending.toFixed(),
                  notionalUsd: quantity.times(50000).toFixed(),
                }),
              ],
            },
            { minOrderUsd: '0' },
          );
          if (decision.decision === 'approved')
            expect(new Decimal(decision.quantity).lte(quantity.minus(pending))).toBe(true);
          else
            expect(quantity.minus(pending).lte(0) || decision.reasons.some((r) => r.rule === 'positive_size')).toBe(
              true,
            );
        },
      ),
    );
  });
});
