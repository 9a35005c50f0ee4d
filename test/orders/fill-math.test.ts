import { describe, expect, it } from 'vitest';
import { addFill, fillBetween } from '../../src/orders/fill-math.ts';

const none = { filledQuantity: '0', avgFillPrice: null, feeUsd: '0' };

describe('fill arithmetic', () => {
  it('averages prices by volume without float residue', () => {
    const one = addFill(none, { quantity: '0.1', price: '100.10', feeUsd: '0.1' });
    expect(addFill(one, { quantity: '0.2', price: '100.40', feeUsd: '0.2' })).toEqual({
      filledQuantity: '0.3',
      avgFillPrice: '100.3',
      feeUsd: '0.3',
    });
  });

  it('rounds a repeating average half up to the columns’ 18 decimals', () => {
    const one = addFill(none, { quantity: '1', price: '1', feeUsd: '0' });
    expect(addFill(one, { quantity: '2', price: '2', feeUsd: '0' }).avgFillPrice).toBe('1.666666666666666667');
  });

  it('derives the fill between two totals so the average comes out as the exchange’s', () => {
    const ours = { filledQuantity: '0.1', avgFillPrice: '100.1', feeUsd: '0.026' };
    const theirs = { filledQuantity: '0.3', avgFillPrice: '100.3', feeUsd: '0.078' };
    expect(fillBetween(ours, theirs)).toEqual({ quantity: '0.2', price: '100.4', feeUsd: '0.052' });
    expect(fillBetween(theirs, theirs)).toBeNull();
    expect(fillBetween({ ...ours, feeUsd: '1' }, theirs)!.feeUsd).toBe('0');
    expect(() => fillBetween(theirs, ours)).toThrow(/less than the 0.3 recorded/);
    expect(() => fillBetween(none, { ...theirs, avgFillPrice: null })).toThrow(/without an average price/);
  });
});
