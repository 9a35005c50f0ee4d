import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { nextUtcMidnightMs } from '../../src/clock/utc-periods.ts';
import { DegradationConfig } from '../../src/config/sections/degradation-config.ts';
import { DegradationLevel } from '../../src/model/degradation-level.ts';
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

/** `source` failing with these runs, as last heard at `NOW_MS`. */
function failingSource(failures: number, successes = 0, source = 'test'): Pick<DegradationState, 'failing'> {
  return { failing: { [source]: { failures, successes, lastReportMs: NOW_MS } } };
}

/** Feeds events in order (all from `source`); every intermediate state must pass the schema it is stored under. */
function run(
  state: DegradationState,
  kinds: readonly DegradationEventKind[],
  nowMs = NOW_MS,
  cfg = config,
  source = 'test',
) {
  const changes: DegradationChange[] = [];
  for (const kind of kinds) {
    const step = nextDegradationState(state, { kind, source }, cfg, nowMs);
    DegradationState.parse(step.state);
    if (step.change) changes.push(step.change);
    state = step.state;
  }
  return { state, changes };
}

const times = (n: number, kind: DegradationEventKind): DegradationEventKind[] =>
  Array<DegradationEventKind>(n).fill(kind);
const alternating = (n: number, first: DegradationEventKind): DegradationEventKind[] =>
  Array.from({ length: n }, (_, i) => (i % 2 === 0 ? first : first === 'success' ? 'failure' : 'success'));

describe('degradation level table', () => {
  it('orders the levels as the config enum does, mild to severe', () => {
    expect(degradationLevels).toEqual(DegradationLevel.options);
  });

  // Every level × event, with the run one short of its threshold: the event completes it. A
  // failure completes its own source's run; a success the cluster's run, no source failing.
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
        const runs =
          kind === 'failure'
            ? failingSource(config.failuresToRaise - 1)
            : { consecutiveSuccesses: config.successesToLower - 1 };
        const step = nextDegradationState(at(level, runs), { kind, source: 'test' }, config, NOW_MS);
        expect(step.state.level).toBe(want);
        expect(step.change?.to).toBe(want === level ? undefined : want);
      });
    }
  }

  for (const level of degradationLevels) {
    for (const kind of ['failure', 'success'] as const) {
      it(`${level} + ${kind} short of its run stays ${level}`, () => {
        const runs =
          kind === 'failure'
            ? failingSource(config.failuresToRaise - 2)
            : { consecutiveSuccesses: config.successesToLower - 2 };
        const step = nextDegradationState(at(level, runs), { kind, source: 'test' }, config, NOW_MS);
        expect(step).toEqual({
          state: at(
            level,
            kind === 'failure' ? { consecutiveFailures: 1, ...failingSource(2) } : { consecutiveSuccesses: 4 },
          ),
        });
      });
    }
  }
});

describe('raising on failures', () => {
  it('raises one step after failuresToRaise consecutive failures and restarts the run', () => {
    expect(run(initialDegradationState, times(2, 'failure'))).toEqual({
      state: at('NORMAL', { consecutiveFailures: 2, ...failingSource(2) }),
      changes: [],
    });
    // The source stays failing after its run restarts: it holds the step it raised.
    expect(run(initialDegradationState, times(3, 'failure'))).toEqual({
      state: at('REDUCED', failingSource(0)),
      changes: [{ from: 'NORMAL', to: 'REDUCED', reason: 'failures', consecutiveFailures: 3, consecutiveSuccesses: 0 }],
    });
  });

  it('needs a full new run for each further step, one step at a time', () => {
    expect(run(initialDegradationState, times(5, 'failure')).state).toEqual(
      at('REDUCED', { consecutiveFailures: 2, ...failingSource(2) }),
    );
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
    expect(state).toEqual(at('EMERGENCY', { consecutiveFailures: 20, ...failingSource(20) }));
    expect(changes).toEqual([]);
  });

  it('uses the configured threshold', () => {
    const cfg = DegradationConfig.parse({ failuresToRaise: 1 });
    expect(run(initialDegradationState, times(2, 'failure'), NOW_MS, cfg).state.level).toBe('LIMITED');
  });

  it('does not raise when a success breaks the run', () => {
    const { state, changes } = run(initialDegradationState, ['failure', 'failure', 'success', 'failure', 'failure']);
    expect(state).toEqual(at('NORMAL', { consecutiveFailures: 2, ...failingSource(2) }));
    expect(changes).toEqual([]);
  });
});

describe('lowering on successes', () => {
  it('lowers one step only after successesToLower consecutive successes', () => {
    expect(run(at('LIMITED'), times(4, 'success'))).toEqual({
      state: at('LIMITED', { consecutiveSuccesses: 4 }),
      changes: [],
    });
    expect(run(at('LIMITED'), times(5, 'success'))).toEqual({
      state: at('REDUCED'),
      changes: [
        { from: 'LIMITED', to: 'REDUCED', reason: 'successes', consecutiveFailures: 0, consecutiveSuccesses: 5 },
      ],
    });
    expect(run(at('LIMITED'), times(9, 'success')).state).toEqual(at('REDUCED', { consecutiveSuccesses: 4 }));
    expect(run(at('LIMITED'), times(10, 'success')).state.level).toBe('NORMAL');
  });

  it('does not lower when a failure breaks the run', () => {
    const { state, changes } = run(at('REDUCED'), [...times(4, 'success'), 'failure', ...times(4, 'success')]);
    expect(state).toEqual(at('REDUCED', { consecutiveSuccesses: 4, ...failingSource(0, 4) }));
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
      const want =
        degradationLevels.indexOf(level) >= degradationLevels.indexOf(budgetSpentLevel) ? level : budgetSpentLevel;
      it(`budget spent at ${level} with budgetSpentLevel ${budgetSpentLevel} → ${want}, floored until midnight`, () => {
        const cfg = DegradationConfig.parse({ budgetSpentLevel });
        const step = nextDegradationState(at(level), { kind: 'budget_spent', source: 'llm-budget' }, cfg, NOW_MS);
        expect(step.state.level).toBe(want);
        expect(step.state.floor).toEqual({ level: budgetSpentLevel, untilMs: MIDNIGHT_MS });
        expect(step.change).toEqual(
          want === level
            ? undefined
            : { from: level, to: want, reason: 'budget_spent', consecutiveFailures: 0, consecutiveSuccesses: 0 },
        );
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
    expect(nextDay.changes).toEqual([
      { from: 'LIMITED', to: 'REDUCED', reason: 'successes', consecutiveFailures: 0, consecutiveSuccesses: 101 },
    ]);
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
    const again = nextDegradationState(
      spent.state,
      { kind: 'budget_spent', source: 'llm-budget' },
      config,
      NOW_MS + 3_600_000,
    );
    expect(again).toEqual({ state: spent.state });
  });

  it('drops an expired floor on the next event', () => {
    const floored = { ...at('LIMITED'), floor: { level: 'LIMITED' as const, untilMs: NOW_MS } };
    expect(
      nextDegradationState(floored, { kind: 'failure', source: 'test' }, config, NOW_MS - 1).state.floor,
    ).toBeDefined();
    expect(nextDegradationState(floored, { kind: 'failure', source: 'test' }, config, NOW_MS).state).toEqual(
      at('LIMITED', { consecutiveFailures: 1, ...failingSource(1) }),
    );
  });
});

describe('runs per source', () => {
  type Report = readonly [source: string, kind: 'failure' | 'success'];

  /** Feeds reports from several sources in order, at `nowMs`. */
  function report(state: DegradationState, reports: readonly Report[], nowMs = NOW_MS, cfg = config) {
    const changes: DegradationChange[] = [];
    for (const [source, kind] of reports) {
      const step = nextDegradationState(state, { kind, source }, cfg, nowMs);
      DegradationState.parse(step.state);
      if (step.change) changes.push(step.change);
      state = step.state;
    }
    return { state, changes };
  }
  const each = (n: number, round: readonly Report[]): Report[] => Array.from({ length: n }, () => round).flat();

  it("raises on one source's run although another source succeeds in between every failure", () => {
    const { state, changes } = report(
      initialDegradationState,
      each(3, [
        ['model:a', 'failure'],
        ['task:b', 'success'],
      ]),
    );
    expect(state.level).toBe('REDUCED');
    expect(changes).toEqual([
      { from: 'NORMAL', to: 'REDUCED', reason: 'failures', consecutiveFailures: 3, consecutiveSuccesses: 0 },
    ]);
  });

  it('does not raise on failures of different sources, none of which completes its own run', () => {
    const { state, changes } = report(initialDegradationState, [
      ['a', 'failure'],
      ['b', 'failure'],
      ['c', 'failure'],
      ['a', 'failure'],
      ['b', 'failure'],
    ]);
    expect(state.level).toBe('NORMAL');
    expect(changes).toEqual([]);
    expect(state.consecutiveFailures).toBe(5);
  });

  it("never lowers while the source that raised the level keeps failing, however long another's run of successes", () => {
    const raised = report(initialDegradationState, each(3, [['a', 'failure']]));
    const { state, changes } = report(raised.state, [
      ...each(100, [['b', 'success']]),
      ['a', 'failure'],
      ...each(100, [['b', 'success']]),
    ]);
    expect(state.level).toBe('REDUCED');
    expect(changes).toEqual([]);
  });

  it('holds the level while a source that never raised it has failed and not yet recovered', () => {
    const raised = report(initialDegradationState, [
      ...each(3, [['a', 'failure']]),
      ['c', 'failure'],
      ...each(5, [['a', 'success']]),
    ]);
    expect(raised.state.level).toBe('REDUCED');
    expect(Object.keys(raised.state.failing)).toEqual(['c']);
    const recovered = report(raised.state, each(5, [['c', 'success']]));
    expect(recovered.state).toEqual(at('NORMAL'));
    expect(recovered.changes).toEqual([
      { from: 'REDUCED', to: 'NORMAL', reason: 'successes', consecutiveFailures: 0, consecutiveSuccesses: 10 },
    ]);
  });

  it('lowers on the success that completes the last failing source’s recovery, then one step per further run', () => {
    const raised = report(
      initialDegradationState,
      each(6, [
        ['a', 'failure'],
        ['b', 'success'],
      ]),
    );
    expect(raised.state.level).toBe('LIMITED');
    const partly = report(
      raised.state,
      each(4, [
        ['a', 'success'],
        ['b', 'success'],
      ]),
    );
    expect(partly.state.level).toBe('LIMITED');
    expect(partly.state.failing).toEqual({ a: { failures: 0, successes: 4, lastReportMs: NOW_MS } });
    const recovered = report(partly.state, [['a', 'success']]);
    expect(recovered.state).toEqual(at('REDUCED'));
    // The cluster's run since a's last failure: b's success after it, four of each, a's fifth.
    expect(recovered.changes).toEqual([
      { from: 'LIMITED', to: 'REDUCED', reason: 'successes', consecutiveFailures: 0, consecutiveSuccesses: 10 },
    ]);
    expect(report(recovered.state, each(4, [['b', 'success']])).state.level).toBe('REDUCED');
    expect(report(recovered.state, each(5, [['b', 'success']])).state.level).toBe('NORMAL');
  });

  it('forgets a failing source silent for forgetSourceAfterMs, and then lowers on the next success', () => {
    const raised = report(initialDegradationState, each(3, [['model:gone', 'failure']]));
    const held = report(raised.state, each(10, [['b', 'success']]), NOW_MS + config.forgetSourceAfterMs - 1);
    expect(held.state.level).toBe('REDUCED');
    const forgotten = report(held.state, [['b', 'success']], NOW_MS + config.forgetSourceAfterMs);
    expect(forgotten.state).toEqual(at('NORMAL'));
    expect(forgotten.changes.map((c) => [c.from, c.to])).toEqual([['REDUCED', 'NORMAL']]);
  });

  it('reads a state stored before runs were counted per source as one with no failing source', () => {
    expect(DegradationState.parse({ level: 'REDUCED', consecutiveFailures: 2, consecutiveSuccesses: 0 })).toEqual(
      at('REDUCED', { consecutiveFailures: 2 }),
    );
  });
});

/**
 * Random interleavings of results from three sources, through the pure rules. The model: a
 * source is failing from its failure until `successesToLower` successes of its own in a row.
 */
describe('runs per source, property-based', () => {
  const cfg = DegradationConfig.parse({ failuresToRaise: 2, successesToLower: 3 });
  const report = fc.record({
    source: fc.constantFrom('a', 'b', 'c'),
    kind: fc.constantFrom('failure' as const, 'success' as const),
  });

  it('keeps every invariant after every report of any interleaving', () => {
    fc.assert(
      fc.property(fc.array(report, { maxLength: 80 }), (reports) => {
        let state = initialDegradationState;
        const sinceLastFailure = new Map<string, number>();
        for (const { source, kind } of reports) {
          const before = state;
          const step = nextDegradationState(state, { kind, source }, cfg, NOW_MS);
          state = DegradationState.parse(step.state);
          sinceLastFailure.set(source, kind === 'failure' ? 0 : (sinceLastFailure.get(source) ?? Infinity) + 1);

          const failing = [...sinceLastFailure].filter(([, n]) => n < cfg.successesToLower).map(([s]) => s);
          expect(Object.keys(state.failing).sort()).toEqual(failing.sort());
          // One source's report never touches another source's runs.
          for (const other of Object.keys(before.failing).filter((s) => s !== source))
            expect(state.failing[other]).toEqual(before.failing[other]);
          const move = degradationLevels.indexOf(state.level) - degradationLevels.indexOf(before.level);
          expect(Math.abs(move)).toBeLessThanOrEqual(1);
          if (move > 0) expect(kind).toBe('failure');
          // Lowered only by a success, and only once no source is failing.
          if (move < 0) expect([kind, failing]).toEqual(['success', []]);
        }
      }),
      { numRuns: 500 },
    );
  });
});
