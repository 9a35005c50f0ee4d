import { describe, expect, it } from 'vitest';
import type { MarketRegime } from '../../../src/model/market-regime.ts';
import { decide, expectApproved, expectDenied } from '../risk-builders.ts';

const sides = {
  buy: { side: 'buy', stopLoss: '49000' },
  sell: { side: 'sell', stopLoss: '51000', leverage: 2 },
} as const;

describe('regime rule', () => {
  it.each([
    ['buy', 'trending_bull'],
    ['sell', 'trending_bear'],
    ['buy', 'ranging'],
    ['sell', 'ranging'],
    ['buy', 'quiet'],
    ['sell', 'quiet'],
    ['buy', null],
    ['sell', null],
  ] as const)('approves a %s entry in regime %s', (side, regime: MarketRegime | null) => {
    expectApproved(decide({ ...sides[side], regime }));
  });

  it.each([
    ['buy', 'trending_bear', 'a long entry in BTC/USD is not allowed while the regime is trending_bear'],
    ['sell', 'trending_bull', 'a short entry in BTC/USD is not allowed while the regime is trending_bull'],
    ['buy', 'volatile', 'a long entry in BTC/USD is not allowed while the regime is volatile'],
    ['sell', 'volatile', 'a short entry in BTC/USD is not allowed while the regime is volatile'],
  ] as const)('denies a %s entry in regime %s by default', (side, regime, message) => {
    expect(expectDenied(decide({ ...sides[side], regime })).reasons).toEqual([{ rule: 'regime', message }]);
  });

  it.each([
    ['buy', 'trending_bear', { allowLongInTrendingBear: true }],
    ['sell', 'trending_bull', { allowShortInTrendingBull: true }],
    ['buy', 'volatile', { allowEntriesInVolatile: true }],
    ['sell', 'volatile', { allowEntriesInVolatile: true }],
  ] as const)('approves a %s entry in regime %s when allowed', (side, regime, regimeRules) => {
    expectApproved(decide({ ...sides[side], regime }, {}, { regimeRules }));
  });

  it('denies an entry with an unknown regime when unknown is not allowed', () => {
    expect(
      expectDenied(decide({ regime: null }, {}, { regimeRules: { allowEntriesWhenUnknown: false } })).reasons,
    ).toEqual([{ rule: 'regime', message: 'a long entry in BTC/USD is not allowed while the regime is unknown' }]);
  });

  it('never blocks an exit', () => {
    const position = { symbol: 'BTC/USD', side: 'long' as const, notionalUsd: '1000', leverage: 1 };
    expectApproved(decide({ side: 'sell', intent: 'exit', regime: 'trending_bull' }, { openPositions: [position] }));
    expectApproved(decide({ side: 'sell', intent: 'exit', regime: 'volatile' }, { openPositions: [position] }));
  });
});
