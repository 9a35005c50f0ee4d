import { describe, expect, it } from 'vitest';
import { RiskContext } from '../../src/risk/risk-context.ts';
import { aPosition, aRiskContext } from './risk-builders.ts';

describe('RiskContext', () => {
  it('accepts zero and negative equity and price (the rules deny them, the schema does not)', () => {
    expect(RiskContext.safeParse({ ...aRiskContext(), equityUsd: '-1', marketPrice: '0' }).success).toBe(true);
  });

  it('refuses two positions of one symbol', () => {
    const result = RiskContext.safeParse({
      ...aRiskContext(),
      openPositions: [aPosition(), aPosition({ side: 'short' })],
    });
    expect(result.success).toBe(false);
    expect(result.error?.issues[0]).toMatchObject({
      path: ['openPositions', 1, 'symbol'],
      message: 'ETH/USD appears twice; expected one net position per symbol',
    });
  });

  it('refuses a float notional', () => {
    expect(
      RiskContext.safeParse({ ...aRiskContext(), openPositions: [{ ...aPosition(), notionalUsd: 1000 }] }).success,
    ).toBe(false);
  });
});
