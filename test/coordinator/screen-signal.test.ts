import { describe, expect, it } from 'vitest';
import { TradeAction } from '../../src/bus/messages/trading-signal-emitted.ts';
import { DegradationLevel } from '../../src/model/degradation-level.ts';
import { CoordinatorState } from '../../src/model/coordinator-state.ts';
import { screenSignal } from '../../src/coordinator/screen-signal.ts';
import type { SignalOutcome } from '../../src/coordinator/signal-outcome.ts';

type Screened = SignalOutcome | 'halt' | 'continue';

/**
 * What a fresh BUY or SELL (entry) and a fresh CLOSE (exit) meet, per coordinator state and
 * degradation level, written out by hand. HOLD and stale signals are the same everywhere.
 */
const FRESH: Record<CoordinatorState, Record<DegradationLevel, { entry: Screened; exit: Screened }>> = {
  RUNNING: {
    NORMAL: { entry: 'continue', exit: 'continue' },
    REDUCED: { entry: 'continue', exit: 'continue' },
    LIMITED: { entry: 'exits_only', exit: 'continue' },
    // The caller halts the cluster, then records the signal as halted.
    EMERGENCY: { entry: 'halt', exit: 'halt' },
  },
  PAUSED: {
    NORMAL: { entry: 'paused', exit: 'continue' },
    REDUCED: { entry: 'paused', exit: 'continue' },
    // The operator's pause is reported before the level's restriction.
    LIMITED: { entry: 'paused', exit: 'continue' },
    EMERGENCY: { entry: 'halt', exit: 'halt' },
  },
  HALTED: {
    NORMAL: { entry: 'halted', exit: 'halted' },
    REDUCED: { entry: 'halted', exit: 'halted' },
    LIMITED: { entry: 'halted', exit: 'halted' },
    // Already halted: nothing more to apply.
    EMERGENCY: { entry: 'halted', exit: 'halted' },
  },
};

function expected(action: TradeAction, state: CoordinatorState, level: DegradationLevel, stale: boolean): Screened {
  if (stale) return 'stale';
  if (action === 'HOLD') return 'hold';
  return action === 'CLOSE' ? FRESH[state][level].exit : FRESH[state][level].entry;
}

describe('screenSignal', () => {
  const cases = TradeAction.options.flatMap((action) =>
    CoordinatorState.options.flatMap((state) =>
      DegradationLevel.options.flatMap((level) =>
        [false, true].map((stale) => ({ action, state, level, stale, outcome: expected(action, state, level, stale) })),
      ),
    ),
  );

  it('covers every action × state × level × staleness', () => {
    expect(cases).toHaveLength(4 * 3 * 4 * 2);
  });

  it.each(cases)(
    '$action while $state at $level (stale: $stale) → $outcome',
    ({ action, state, level, stale, outcome }) => {
      expect(screenSignal({ action, state, level, stale })).toBe(outcome);
    },
  );
});
