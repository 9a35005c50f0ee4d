import { describe, expect, it } from 'vitest';
import { RiskConfig } from '../../src/config/sections/risk-config.ts';
import { evaluateBreakers } from '../../src/risk/evaluate-breakers.ts';
import { resetRiskState } from '../../src/risk/reset-risk-state.ts';
import { aRiskState, NOW_MS } from './risk-builders.ts';

const breakers = RiskConfig.parse({}).breakers;

describe('resetRiskState', () => {
  it('lifts a halt, re-arms every breaker and re-bases on the current equity so it does not trip again', () => {
    const tripped = evaluateBreakers(
      aRiskState({ consecutiveLosses: 3, cooldownUntilMs: NOW_MS + 1000 }),
      '7000',
      breakers,
      NOW_MS,
    ).state;
    expect(tripped.tradingState).toBe('HALTED');

    const reset = resetRiskState(tripped, '7000', NOW_MS + 10);
    expect(reset).toEqual({
      ...tripped,
      tradingState: 'ACTIVE',
      peakEquityUsd: '7000',
      dayStartEquityUsd: '7000',
      weekStartEquityUsd: '7000',
      consecutiveLosses: 0,
      cooldownUntilMs: null,
      entriesPausedUntilMs: null,
      breakers: {
        dailyLoss: { tripped: false, trippedAtMs: null, lossPct: null },
        weeklyLoss: { tripped: false, trippedAtMs: null, lossPct: null },
        drawdown: { tripped: false, trippedAtMs: null, lossPct: null },
      },
      updatedAtMs: NOW_MS + 10,
    });
    expect(evaluateBreakers(reset, '7000', breakers, NOW_MS + 20).trips).toEqual([]);
  });

  it('ends a reduction too', () => {
    expect(resetRiskState(aRiskState({ tradingState: 'REDUCING' }), '9000', NOW_MS).tradingState).toBe('ACTIVE');
  });
});
