import { describe, expect, it } from 'vitest';
import { percentile } from '../../src/shared/percentile.ts';

describe('percentile', () => {
  it('takes the nearest rank, whatever the order of the values', () => {
    const values = [40, 10, 30, 20, 50];
    expect(percentile(values, 50)).toBe(30);
    expect(percentile(values, 0)).toBe(10);
    expect(percentile(values, 20)).toBe(10);
    expect(percentile(values, 21)).toBe(20);
    expect(percentile(values, 99)).toBe(50);
    expect(percentile(values, 100)).toBe(50);
    expect(values).toEqual([40, 10, 30, 20, 50]);
  });

  it('has no percentile of nothing', () => {
    expect(percentile([], 50)).toBeUndefined();
  });
});
