import { describe, expect, it } from 'vitest';
import { rollPeriods } from '../../src/risk/roll-periods.ts';
import { aRiskState, NOW_MS } from './risk-builders.ts';

const TRIPPED = { tripped: true, trippedAtMs: NOW_MS, lossPct: '6' };
const NEXT_DAY = Date.UTC(2025, 0, 16);
const NEXT_MONDAY = Date.UTC(2025, 0, 20);

describe('rollPeriods', () => {
  it('changes nothing within the same day and returns the state itself', () => {
    const state = aRiskState({ breakers: { dailyLoss: TRIPPED, weeklyLoss: TRIPPED, drawdown: TRIPPED } });
    expect(rollPeriods(state, '9000', NEXT_DAY - 1)).toBe(state);
  });

  it('on a new UTC day re-bases and re-arms the daily breaker and lifts an expired pause', () => {
    const state = aRiskState({
      entriesPausedUntilMs: NEXT_DAY,
      breakers: { dailyLoss: TRIPPED, weeklyLoss: TRIPPED, drawdown: TRIPPED },
    });
    const next = rollPeriods(state, '9400', NEXT_DAY);
    expect(next).toMatchObject({
      dayStartEquityUsd: '9400',
      dayStartMs: NEXT_DAY,
      entriesPausedUntilMs: null,
      updatedAtMs: NEXT_DAY,
    });
    expect(next.breakers).toEqual({
      dailyLoss: { tripped: false, trippedAtMs: null, lossPct: null },
      weeklyLoss: TRIPPED,
      drawdown: TRIPPED,
    });
    expect(next).toMatchObject({ weekStartEquityUsd: '10000', weekStartMs: state.weekStartMs });
  });

  it('keeps the week until Sunday 23:59:59.999 UTC and rolls it on Monday 00:00 UTC', () => {
    const state = aRiskState({ breakers: { dailyLoss: TRIPPED, weeklyLoss: TRIPPED, drawdown: TRIPPED } });
    const sunday = rollPeriods(state, '9000', NEXT_MONDAY - 1);
    expect(sunday).toMatchObject({ weekStartEquityUsd: '10000', weekStartMs: Date.UTC(2025, 0, 13) });
    expect(sunday.breakers.weeklyLoss).toEqual(TRIPPED);

    const monday = rollPeriods(sunday, '8800', NEXT_MONDAY);
    expect(monday).toMatchObject({
      weekStartEquityUsd: '8800',
      weekStartMs: NEXT_MONDAY,
      dayStartEquityUsd: '8800',
      dayStartMs: NEXT_MONDAY,
    });
    expect(monday.breakers.weeklyLoss.tripped).toBe(false);
    expect(monday.breakers.drawdown).toEqual(TRIPPED);
  });

  it('never lifts a halt', () => {
    const state = aRiskState({ tradingState: 'HALTED' });
    expect(rollPeriods(state, '9000', NEXT_MONDAY).tradingState).toBe('HALTED');
  });

  it('clears a cooldown once it is over, not before', () => {
    const state = aRiskState({ cooldownUntilMs: NOW_MS + 1000 });
    expect(rollPeriods(state, '10000', NOW_MS + 999)).toBe(state);
    expect(rollPeriods(state, '10000', NOW_MS + 1000).cooldownUntilMs).toBeNull();
  });

  it('is idempotent and rolls nothing when the clock goes backwards', () => {
    const rolled = rollPeriods(aRiskState(), '9000', NEXT_DAY);
    expect(rollPeriods(rolled, '8000', NEXT_DAY + 5)).toBe(rolled);
    expect(rollPeriods(rolled, '8000', NOW_MS)).toBe(rolled);
  });
});
