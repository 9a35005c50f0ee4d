import { describe, expect, it } from 'vitest';
import { nextUtcMidnightMs } from '../../src/clock/utc-periods.ts';
import { DegradationConfig, DegradationLevel } from '../../src/config/sections/degradation-config.ts';
import {
  degradationLevels,
  DegradationState,
  initialDegradationState,
  nextDegradationState,
  DegradationEventKind,
  type DegradationChange,
} from '../../src/degradation/degradation-state.ts';

const config = DegradationConfig.parse({});
const NOW_MS = Date.UTC(2025, 2, 1, 15, 30);
const MIDNIGHT_MS = Date.UTC(2025, 2, 2);

function at(level: DegradationLevel, runs: Partial<DegradationState> = {}): DegradationState {
  return { ...initialDegradationState, level, ...runs };
}

/** Feeds events in order; every intermediate state must pass the schema it is stored under. */
function run(state: DegradationState, kinds: readonly DegradationEventKind[], nowMs = NOW_MS, cfg = config) {
  const changes: DegradationChange[] = [];
  for (const kind of kinds) {
    const step = nextDegradationState(state, { kind, source: 'test' }, cfg, nowMs);
    DegradationState.parse(step.state);
    if (step.change) changes.push(step.change);
    state = step.state;
  }
  return { state, changes };
}

const times = (n: number, kind: DegradationEventKind): DegradationEventKind[] => Array<DegradationEventKind>(n).fill(kind);
const alternating = (n: number, first: DegradationEventKind): DegradationEventKind[] =>
  Array.from({ length: n }, (_, i) => (i % 2 === 0 ? first : first === 'success' ? 'failure' : 'success'));

describe('degradation level table', () => {
  it('orders the levels as the config enum does, mild to severe', () => {
    expect(degradationLevels).toEqual(DegradationLevel.options);
  });

  // Every level × event, with the run one short of its threshold: the event completes it.
  const expected: Record<DegradationLevel, Record<DegradationEventKind, DegradationLevel>> = {
    NORMAL: { failure: 'REDUCED', success: 'NORMAL', budget_spent: 'LIMITED' },
    REDUCED: { failure: 'LIMITED', success: 'NORMAL', budget_spent: 'LIMITED' },
    LIMITED: { failure: 'EMERGENCY', success: 'REDUCED', budget_spent: 'LIMITED' },
    // EMERGENCY is the top; the budget level is a minimum, never a way down.
    EMERGENCY: { failure: 'EMERGENCY', success: 'LIMITED', budget_spent: 'EMERGENCY' },
  };
  for (const level of degradationLevels) {
    for (const kind of DegradationEventKind.options) {
      const want = expected[level][kind];
      it(`${level} + ${kind} completing its run → ${want}`, () => {
        const runs = kind === 'failure' ? { consecutiveFailures: config.failuresToRaise - 1 } : { consecutiveSuccesses: config.successesToLower - 1 };
        const step = nextDegradationState(at(level, runs), { kind, source: 'test' }, config, NOW_MS);
        expect(step.state.level).toBe(want);
        expect(step.change?.to).toBe(want === level ? undefined : want);
      });
    }
  }

  for (const level of degradationLevels) {
    for (const kind of ['failure', 'success'] as const) {
      it(`${level} + ${kind} short of its run stays ${level}`, () => {
        const runs = kind === 'failure' ? { consecutiveFailures: config.failuresToRaise - 2 } : { consecutiveSuccesses: config.successesToLower - 2 };
        const step = nextDegradationState(at(level, runs), { kind, source: 'test' }, config, NOW_MS);
        expect(step).toEqual({ state: { ...at(level), ...(kind === 'failure' ? { consecutiveFailures: 2 } : { consecutiveSuccesses: 4 }) } });
      });
    }
  }
});

describe('raising on failures', () => {
  it('raises one step after failuresToRaise consecutive failures and restarts the run', () => {
    expect(run(initialDegradationState, times(2, 'failure'))).toEqual({ state: at('NORMAL', { consecutiveFailures: 2 }), changes: [] });
    expect(run(initialDegradationState, times(3, 'failure'))).toEqual({
      state: at('REDUCED'),
      changes: [{ from: 'NORMAL', to: 'REDUCED', reason: 'failures', consecutiveFailures: 3, consecutiveSuccesses: 0 }],
    });
  });

  it('needs a full new run for each further step, one step at a time', () => {
    expect(run(initialDegradationState, times(5, 'failure')).state).toEqual(at('REDUCED', { consecutiveFailures: 2 }));
    const { state, changes } = run(initialDegradationState, times(9, 'failure'));
    expect(state.level).toBe('EMERGENCY');
    expect(changes.map((c) => [c.from, c.to])).toEqual([
      ['NORMAL', 'REDUCED'],
      ['REDUCED', 'LIMITED'],
      ['LIMITED', 'EMERGENCY'],
    ]);
  });

  it('stops at EMERGENCY: further failures only count', () => {
    const { state, changes } = run(at('EMERGENCY'), times(20, 'failure'));
    expect(state).toEqual(at('EMERGENCY', { consecutiveFailures: 20 }));
    expect(changes).toEqual([]);
  });

  it('uses the configured threshold', () => {
    const cfg = DegradationConfig.parse({ failuresToRaise: 1 });
    expect(run(initialDegradationState, times(2, 'failure'), NOW_MS, cfg).state.level).toBe('LIMITED');
  });

  it('does not raise when a success breaks the run', () => {
    const { state, changes } = run(initialDegradationState, ['failure', 'failure', 'success', 'failure', 'failure']);
    expect(state).toEqual(at('NORMAL', { consecutiveFailures: 2 }));
    expect(changes).toEqual([]);
  });
});

describe('lowering on successes', () => {
  it('lowers one step only after successesToLower consecutive successes', () => {
    expect(run(at('LIMITED'), times(4, 'success'))).toEqual({ state: at('LIMITED', { consecutiveSuccesses: 4 }), changes: [] });
    expect(run(at('LIMITED'), times(5, 'success'))).toEqual({
      state: at('REDUCED'),
      changes: [{ from: 'LIMITED', to: 'REDUCED', reason: 'successes', consecutiveFailures: 0, consecutiveSuccesses: 5 }],
    });
    expect(run(at('LIMITED'), times(9, 'success')).state).toEqual(at('REDUCED', { consecutiveSuccesses: 4 }));
    expect(run(at('LIMITED'), times(10, 'success')).state.level).toBe('NORMAL');
  });

  it('does not lower when a failure breaks the run', () => {
    const { state, changes } = run(at('REDUCED'), [...times(4, 'success'), 'failure', ...times(4, 'success')]);
    expect(state).toEqual(at('REDUCED', { consecutiveSuccesses: 4 }));
    expect(changes).toEqual([]);
  });

  it('never goes below NORMAL', () => {
    const { state, changes } = run(initialDegradationState, times(50, 'success'));
    expect(state.level).toBe('NORMAL');
    expect(changes).toEqual([]);
  });
});

describe('hysteresis', () => {
  for (const first of ['success', 'failure'] as const) {
    it(`stays at NORMAL while half of 100 calls fail (starting with a ${first})`, () => {
      const { state, changes } = run(initialDegradationState, alternating(100, first));
      expect(state.level).toBe('NORMAL');
      expect(changes).toEqual([]);
    });

    it(`stays at REDUCED once raised while half of 100 calls fail (starting with a ${first})`, () => {
      const raised = run(initialDegradationState, times(config.failuresToRaise, 'failure'));
      expect(raised.state.level).toBe('REDUCED');
      const { state, changes } = run(raised.state, alternating(100, first));
      expect(state.level).toBe('REDUCED');
      expect(changes).toEqual([]);
    });
  }
});

describe('daily budget', () => {
  it('floors at the next UTC midnight', () => {
    expect(nextUtcMidnightMs(NOW_MS)).toBe(MIDNIGHT_MS);
    expect(nextUtcMidnightMs(MIDNIGHT_MS - 1)).toBe(MIDNIGHT_MS);
    expect(nextUtcMidnightMs(MIDNIGHT_MS)).toBe(MIDNIGHT_MS + 86_400_000);
  });

  // Every start level × every allowed budgetSpentLevel: the result is the higher of the two.
  for (const budgetSpentLevel of ['REDUCED', 'LIMITED', 'EMERGENCY'] as const) {
    for (const level of degradationLevels) {
      const want = degradationLevels.indexOf(level) >= degradationLevels.indexOf(budgetSpentLevel) ? level : budgetSpentLevel;
      it(`budget spent at ${level} with budgetSpentLevel ${budgetSpentLevel} → ${want}, floored until midnight`, () => {
        const cfg = DegradationConfig.parse({ budgetSpentLevel });
        const step = nextDegradationState(at(level), { kind: 'budget_spent', source: 'llm-budget' }, cfg, NOW_MS);
        expect(step.state.level).toBe(want);
        expect(step.state.floor).toEqual({ level: budgetSpentLevel, untilMs: MIDNIGHT_MS });
        expect(step.change).toEqual(want === level ? undefined : { from: level, to: want, reason: 'budget_spent', consecutiveFailures: 0, consecutiveSuccesses: 0 });
      });
    }
  }

  it('holds the budget level against any run of successes until the next UTC day, then lowering resumes', () => {
    const spent = run(initialDegradationState, ['budget_spent']);
    expect(spent.state.level).toBe('LIMITED');
    const held = run(spent.state, times(100, 'success'), MIDNIGHT_MS - 1);
    expect(held.state.level).toBe('LIMITED');
    expect(held.changes).toEqual([]);

    // The successes of the held day count: the first one of the new day lowers at once.
    const nextDay = run(held.state, ['success'], MIDNIGHT_MS);
    expect(nextDay.state).toEqual(at('REDUCED'));
    expect(nextDay.changes).toEqual([{ from: 'LIMITED', to: 'REDUCED', reason: 'successes', consecutiveFailures: 0, consecutiveSuccesses: 101 }]);
    expect(run(nextDay.state, times(5, 'success'), MIDNIGHT_MS).state.level).toBe('NORMAL');
  });

  it('lowers from above the floor down to the floor, not further', () => {
    const spent = run(at('EMERGENCY'), ['budget_spent']);
    expect(spent.state).toEqual({ ...at('EMERGENCY'), floor: { level: 'LIMITED', untilMs: MIDNIGHT_MS } });
    const { state, changes } = run(spent.state, times(30, 'success'));
    expect(state.level).toBe('LIMITED');
    expect(changes.map((c) => c.to)).toEqual(['LIMITED']);
  });

  it('still raises above the floor on failures', () => {
    const spent = run(initialDegradationState, ['budget_spent']);
    expect(run(spent.state, times(3, 'failure')).state.level).toBe('EMERGENCY');
  });

  it('changes nothing when reported again the same day', () => {
    const spent = run(initialDegradationState, ['budget_spent', 'success', 'success']);
    const again = nextDegradationState(spent.state, { kind: 'budget_spent', source: 'llm-budget' }, config, NOW_MS + 3_600_000);
    expect(again).toEqual({ state: spent.state });
  });

  it('drops an expired floor on the next event', () => {
    const floored = { ...at('LIMITED'), floor: { level: 'LIMITED' as const, untilMs: NOW_MS } };
    expect(nextDegradationState(floored, { kind: 'failure', source: 'test' }, config, NOW_MS - 1).state.floor).toBeDefined();
    expect(nextDegradationState(floored, { kind: 'failure', source: 'test' }, config, NOW_MS).state).toEqual(at('LIMITED', { consecutiveFailures: 1 }));
  });
});
