import { describe, expect, it } from 'vitest';
import { RiskConfig } from '../../src/config/sections/risk-config.ts';
import { evaluateBreakers } from '../../src/risk/evaluate-breakers.ts';
import { recordEquity } from '../../src/risk/record-equity.ts';
import { recordTradeClosed } from '../../src/risk/record-trade-closed.ts';
import { initialRiskState, RiskState } from '../../src/risk/risk-state.ts';
import { NOW_MS } from './risk-builders.ts';

const config = RiskConfig.parse({});

describe('RiskState', () => {
  it('starts ACTIVE with peak and period bases at the equity, periods at the current day and ISO week', () => {
    expect(initialRiskState('10000', NOW_MS)).toEqual({
      tradingState: 'ACTIVE',
      peakEquityUsd: '10000',
      dayStartEquityUsd: '10000',
      dayStartMs: Date.UTC(2025, 0, 15),
      weekStartEquityUsd: '10000',
      weekStartMs: Date.UTC(2025, 0, 13),
      consecutiveLosses: 0,
      cooldownUntilMs: null,
      entriesPausedUntilMs: null,
      breakers: {
        dailyLoss: { tripped: false, trippedAtMs: null, lossPct: null },
        weeklyLoss: { tripped: false, trippedAtMs: null, lossPct: null },
        drawdown: { tripped: false, trippedAtMs: null, lossPct: null },
      },
      updatedAtMs: NOW_MS,
    });
  });

  it('round-trips through JSON unchanged, fresh and after breakers and losses', () => {
    const fresh = initialRiskState('10000.5', NOW_MS);
    let worn = evaluateBreakers(recordEquity(fresh, '12500', NOW_MS), '9000', config.breakers, NOW_MS + 1).state;
    for (let i = 0; i < 3; i++) worn = recordTradeClosed(worn, '-12.34', NOW_MS + 2, config.cooldown);
    expect(worn.tradingState).toBe('HALTED');
    for (const state of [fresh, worn]) {
      expect(RiskState.parse(JSON.parse(JSON.stringify(state)))).toEqual(state);
    }
  });

  it('refuses money as a JSON number and unknown keys', () => {
    const state = initialRiskState('10000', NOW_MS);
    expect(RiskState.safeParse({ ...state, peakEquityUsd: 10000 }).success).toBe(false);
    expect(RiskState.safeParse({ ...state, extra: true }).success).toBe(false);
    expect(RiskState.safeParse({ ...state, tradingState: 'PAUSED' }).success).toBe(false);
  });
});

describe('recordEquity', () => {
  it('raises the peak to a higher equity', () => {
    const state = initialRiskState('10000', NOW_MS);
    expect(recordEquity(state, '10000.01', NOW_MS + 5)).toMatchObject({
      peakEquityUsd: '10000.01',
      updatedAtMs: NOW_MS + 5,
    });
  });

  it('keeps the peak at an equal or lower equity and returns the state itself', () => {
    const state = initialRiskState('10000', NOW_MS);
    expect(recordEquity(state, '10000.00', NOW_MS + 5)).toBe(state);
    expect(recordEquity(state, '9000', NOW_MS + 5)).toBe(state);
  });
});
