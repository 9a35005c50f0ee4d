import { Decimal } from 'decimal.js';
import { describe, expect, it } from 'vitest';
import { compareDecimalStrings } from '../../src/model/compare-decimal-strings.ts';

const VALUES = [
  '0',
  '-0',
  '0.000',
  '1',
  '01',
  '1.0',
  '1.00001',
  '-1',
  '-1.5',
  '-1.50',
  '10',
  '9.99999',
  '0.1',
  '0.09',
  '123.456',
  '-123.456',
  '100',
  '99.9999999999999999999',
  '0.507',
  '19949.9',
  '19979.4',
];

describe('compareDecimalStrings', () => {
  it('orders every pair exactly as decimal.js does', () => {
    for (const a of VALUES)
      for (const b of VALUES) expect([a, b, compareDecimalStrings(a, b)]).toEqual([a, b, new Decimal(a).cmp(b)]);
  });

  it('tells apart values a float cannot', () => {
    expect(Number('1.00000000000000000011') > Number('1.0000000000000000001')).toBe(false);
    expect(compareDecimalStrings('1.00000000000000000011', '1.0000000000000000001')).toBe(1);
  });
});
