import { describe, expect, it } from 'vitest';
import { isSpot, toOpenPosition, valuePosition } from '../../src/positions/valuation.ts';
import { aPosition } from './position-builders.ts';

describe('valuePosition', () => {
  it('values a spot long: its whole notional adds to equity', () => {
    const valuation = valuePosition(
      aPosition({ quantity: '0.3', avgEntryPrice: '100', realizedPnlUsd: '-0.03', feesUsd: '0.03' }),
      '110.5',
    );
    expect(valuation).toEqual({
      symbol: 'BTC/USD',
      side: 'long',
      quantity: '0.3',
      avgEntryPrice: '100',
      markPrice: '110.5',
      leverage: 1,
      notionalUsd: '33.15',
      marginUsd: '30',
      unrealizedPnlUsd: '3.15',
      realizedPnlUsd: '-0.03',
      feesUsd: '0.03',
      equityContributionUsd: '33.15',
    });
  });

  it('values a margin long: only its unrealised P&L adds to equity', () => {
    const valuation = valuePosition(aPosition({ quantity: '2', leverage: 4 }), '95');
    expect(valuation).toMatchObject({
      notionalUsd: '190',
      marginUsd: '50',
      unrealizedPnlUsd: '-10',
      equityContributionUsd: '-10',
    });
  });

  it('values a short: gains when the mark falls', () => {
    const valuation = valuePosition(aPosition({ side: 'short', quantity: '2', leverage: 1 }), '80');
    expect(valuation).toMatchObject({ notionalUsd: '160', unrealizedPnlUsd: '40', equityContributionUsd: '40' });
  });

  it('rounds at 18 decimal places', () => {
    expect(valuePosition(aPosition({ quantity: '1', leverage: 3 }), '100').marginUsd).toBe('33.333333333333333333');
  });

  it.each(['0', '-1', 'abc', ''])('refuses mark %j', (mark) => {
    expect(() => valuePosition(aPosition(), mark)).toThrow(expect.objectContaining({ code: 'DATA_INVALID' }));
  });

  it('treats only a long at leverage 1 as spot', () => {
    expect(isSpot(aPosition())).toBe(true);
    expect(isSpot(aPosition({ leverage: 2 }))).toBe(false);
    expect(isSpot(aPosition({ side: 'short' }))).toBe(false);
  });
});

describe('toOpenPosition', () => {
  it("gives the risk engine's view: notional at the mark, side, leverage, quantity", () => {
    expect(toOpenPosition(aPosition({ side: 'short', quantity: '0.25', leverage: 3 }), '68600.1')).toEqual({
      symbol: 'BTC/USD',
      side: 'short',
      notionalUsd: '17150.025',
      leverage: 3,
      quantity: '0.25',
    });
  });
});
