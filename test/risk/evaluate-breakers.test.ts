import { describe, expect, it } from 'vitest';
import { evaluateBreakers } from '../../src/risk/evaluate-breakers.ts';
import { resetRiskState } from '../../src/risk/reset-risk-state.ts';
import { transitionTradingState } from '../../src/risk/trading-state-machine.ts';
import { aRiskConfig, aRiskState, decide, deniedBy, expectApproved, NOW_MS } from './risk-builders.ts';

const breakers = aRiskConfig().breakers;
const NEXT_DAY = Date.UTC(2025, 0, 16);
const NEXT_MONDAY = Date.UTC(2025, 0, 20);

describe('evaluateBreakers: daily loss', () => {
  it('trips at exactly 5 % below the day start and pauses entries until the next 00:00 UTC', () => {
    const { state, trips } = evaluateBreakers(aRiskState(), '9500', breakers, NOW_MS);
    expect(trips).toEqual([
      {
        breaker: 'dailyLoss',
        action: 'pause_entries',
        lossPct: '5',
        thresholdPct: 5,
        reduceByPct: 50,
        trippedAtMs: NOW_MS,
      },
    ]);
    expect(state).toMatchObject({
      tradingState: 'ACTIVE',
      entriesPausedUntilMs: NEXT_DAY,
      breakers: { dailyLoss: { tripped: true, trippedAtMs: NOW_MS, lossPct: '5' } },
    });
  });

  it('does not trip just below the threshold', () => {
    const { state, trips } = evaluateBreakers(aRiskState(), '9500.01', breakers, NOW_MS);
    expect(trips).toEqual([]);
    expect(state.entriesPausedUntilMs).toBeNull();
  });

  it('does not trip twice in one day', () => {
    const first = evaluateBreakers(aRiskState(), '9500', breakers, NOW_MS);
    expect(evaluateBreakers(first.state, '9400', breakers, NOW_MS + 1000).trips).toEqual([]);
  });

  it('denies entries while paused, lets exits through, and lets entries resume at the next 00:00 UTC', () => {
    const paused = evaluateBreakers(aRiskState(), '9500', breakers, NOW_MS).state;
    const context = { equityUsd: '9500', state: paused };
    expect(deniedBy(decide({}, { ...context, nowMs: NEXT_DAY - 1 }))).toEqual(['entries_paused']);
    const exit = { side: 'sell' as const, intent: 'exit' as const, stopLoss: null, confidence: 0 };
    expectApproved(
      decide(exit, {
        ...context,
        nowMs: NEXT_DAY - 1,
        openPositions: [{ symbol: 'BTC/USD', side: 'long', notionalUsd: '950', leverage: 1 }],
      }),
    );

    const nextDay = evaluateBreakers(paused, '9500', breakers, NEXT_DAY);
    expect(nextDay.trips).toEqual([]);
    expect(nextDay.state).toMatchObject({
      entriesPausedUntilMs: null,
      dayStartEquityUsd: '9500',
      breakers: { dailyLoss: { tripped: false } },
    });
    expectApproved(decide({}, { ...context, state: nextDay.state, nowMs: NEXT_DAY }));
  });

  it('trips again on a new day measured from that day’s start', () => {
    const first = evaluateBreakers(aRiskState(), '9500', breakers, NOW_MS).state;
    const nextDay = evaluateBreakers(first, '9500', breakers, NEXT_DAY).state;
    expect(evaluateBreakers(nextDay, '9025.01', breakers, NEXT_DAY + 1).trips).toEqual([]);
    expect(evaluateBreakers(nextDay, '9025', breakers, NEXT_DAY + 1).trips).toMatchObject([
      { breaker: 'dailyLoss', lossPct: '5' },
    ]);
  });
});

describe('evaluateBreakers: weekly loss', () => {
  // The day started lower, so only the week's loss reaches its threshold.
  const state = aRiskState({ dayStartEquityUsd: '9200' });

  it('trips at exactly 10 % below the week start and moves trading to REDUCING with the share to close', () => {
    const result = evaluateBreakers(state, '9000', breakers, NOW_MS);
    expect(result.trips).toEqual([
      {
        breaker: 'weeklyLoss',
        action: 'reduce_positions',
        lossPct: '10',
        thresholdPct: 10,
        reduceByPct: 50,
        trippedAtMs: NOW_MS,
      },
    ]);
    expect(result.state.tradingState).toBe('REDUCING');
  });

  it('does not trip just below the threshold', () => {
    expect(evaluateBreakers(state, '9000.01', breakers, NOW_MS).trips).toEqual([]);
  });

  it('denies entries while REDUCING, approves exits, and returns to ACTIVE once the reduction is reported', () => {
    const reducing = evaluateBreakers(state, '9000', breakers, NOW_MS).state;
    const position = { symbol: 'BTC/USD', side: 'long' as const, notionalUsd: '1000', leverage: 1 };
    expect(deniedBy(decide({}, { equityUsd: '9000', state: reducing, openPositions: [position] }))).toEqual([
      'trading_state',
    ]);
    expectApproved(
      decide(
        { side: 'sell', intent: 'exit', sizePct: 10 },
        { equityUsd: '9000', state: reducing, openPositions: [position] },
      ),
    );

    const active = { ...reducing, tradingState: transitionTradingState(reducing.tradingState, 'positions_reduced') };
    expect(active.tradingState).toBe('ACTIVE');
    expect(evaluateBreakers(active, '8900', breakers, NOW_MS + 1).trips).toEqual([]);
  });

  it('re-arms on Monday 00:00 UTC, measuring the new week from the equity then', () => {
    const tripped = evaluateBreakers(state, '9000', breakers, NOW_MS).state;
    expect(evaluateBreakers(tripped, '8000', breakers, NEXT_MONDAY - 1).trips.map((t) => t.breaker)).not.toContain(
      'weeklyLoss',
    );
    const monday = evaluateBreakers(tripped, '9000', breakers, NEXT_MONDAY).state;
    expect(monday).toMatchObject({
      weekStartEquityUsd: '9000',
      weekStartMs: NEXT_MONDAY,
      breakers: { weeklyLoss: { tripped: false } },
    });
    expect(evaluateBreakers(monday, '8100', breakers, NEXT_MONDAY + 1).trips.map((t) => t.breaker)).toContain(
      'weeklyLoss',
    );
  });
});

describe('evaluateBreakers: drawdown', () => {
  // Peak 12500 from earlier; today and this week started at 10000.
  const state = aRiskState({ peakEquityUsd: '12500' });

  it('trips at exactly 20 % below the peak and halts for the close-out', () => {
    const result = evaluateBreakers(state, '10000', breakers, NOW_MS);
    expect(result.trips).toEqual([
      {
        breaker: 'drawdown',
        action: 'halt_and_close',
        lossPct: '20',
        thresholdPct: 20,
        reduceByPct: 50,
        trippedAtMs: NOW_MS,
      },
    ]);
    expect(result.state.tradingState).toBe('HALTED');
  });

  it('does not trip just below the threshold', () => {
    expect(evaluateBreakers(state, '10000.01', breakers, NOW_MS).trips).toEqual([]);
  });

  it('measures from a peak raised by the same observation', () => {
    const risen = evaluateBreakers(aRiskState(), '15000', breakers, NOW_MS).state;
    expect(risen.peakEquityUsd).toBe('15000');
    expect(evaluateBreakers(risen, '12000', breakers, NOW_MS + 1).trips.map((t) => t.breaker)).toContain('drawdown');
  });

  it('stays halted across days and weeks until a manual reset', () => {
    const halted = evaluateBreakers(state, '10000', breakers, NOW_MS).state;
    const later = evaluateBreakers(halted, '10000', breakers, NEXT_MONDAY + 1);
    expect(later.trips).toEqual([]);
    expect(later.state.tradingState).toBe('HALTED');
    expect(deniedBy(decide({}, { state: later.state, nowMs: NEXT_MONDAY + 1 }))).toEqual(['trading_state']);

    const reset = resetRiskState(later.state, '10000', NEXT_MONDAY + 2);
    expect(evaluateBreakers(reset, '10000', breakers, NEXT_MONDAY + 3).trips).toEqual([]);
    expectApproved(decide({}, { state: reset, nowMs: NEXT_MONDAY + 3 }));
  });
});

describe('evaluateBreakers: configuration', () => {
  it('takes the configured action: halt', () => {
    const config = aRiskConfig({ breakers: { dailyLoss: { action: 'halt' } } }).breakers;
    const result = evaluateBreakers(aRiskState(), '9500', config, NOW_MS);
    expect(result.trips).toMatchObject([{ breaker: 'dailyLoss', action: 'halt' }]);
    expect(result.state).toMatchObject({ tradingState: 'HALTED', entriesPausedUntilMs: null });
  });

  it('takes the configured action and threshold: a weekly breaker that pauses at 3 %', () => {
    const config = aRiskConfig({
      breakers: { dailyLoss: { enabled: false }, weeklyLoss: { thresholdPct: 3, action: 'pause_entries' } },
    }).breakers;
    const result = evaluateBreakers(aRiskState(), '9700', config, NOW_MS);
    expect(result.trips).toMatchObject([
      { breaker: 'weeklyLoss', action: 'pause_entries', lossPct: '3', thresholdPct: 3 },
    ]);
    expect(result.state).toMatchObject({ tradingState: 'ACTIVE', entriesPausedUntilMs: NEXT_DAY });
  });

  it('never trips a disabled breaker', () => {
    const config = aRiskConfig({
      breakers: { dailyLoss: { enabled: false }, weeklyLoss: { enabled: false }, drawdown: { enabled: false } },
    }).breakers;
    expect(evaluateBreakers(aRiskState(), '1', config, NOW_MS)).toMatchObject({
      trips: [],
      state: { tradingState: 'ACTIVE' },
    });
  });

  it('trips every breaker a crash reaches at once; the halt wins over the reduction', () => {
    const result = evaluateBreakers(aRiskState(), '7500', breakers, NOW_MS);
    expect(result.trips.map((t) => [t.breaker, t.lossPct])).toEqual([
      ['dailyLoss', '25'],
      ['weeklyLoss', '25'],
      ['drawdown', '25'],
    ]);
    expect(result.state).toMatchObject({ tradingState: 'HALTED', entriesPausedUntilMs: NEXT_DAY });
  });

  it('measures nothing from a base of zero or less', () => {
    const state = aRiskState({ peakEquityUsd: '0', dayStartEquityUsd: '0', weekStartEquityUsd: '-5' });
    expect(evaluateBreakers(state, '-10', breakers, NOW_MS).trips).toEqual([]);
  });

  it('reports a loss with many decimals cut to 8', () => {
    const result = evaluateBreakers(aRiskState({ dayStartEquityUsd: '3' }), '1', breakers, NOW_MS);
    expect(result.trips[0]).toMatchObject({ breaker: 'dailyLoss', lossPct: '66.66666666' });
  });
});
