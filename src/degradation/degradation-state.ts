import { z } from 'zod';
import { nextUtcMidnightMs } from '../clock/utc-periods.ts';
import { DegradationLevel, type DegradationConfig } from '../config/sections/degradation-config.ts';


/** The levels from mild to severe; one step is one index. */
export const degradationLevels: readonly DegradationLevel[] = ['NORMAL', 'REDUCED', 'LIMITED', 'EMERGENCY'];

const rank = (level: DegradationLevel): number => degradationLevels.indexOf(level);
const higher = (a: DegradationLevel, b: DegradationLevel): DegradationLevel => (rank(a) >= rank(b) ? a : b);

/**
 * The degradation state every replica shares (one Redis key, as JSON). The counters are
 * consecutive runs: a success resets the failures, a failure resets the successes.
 */
export const DegradationState = z
  .object({
    level: DegradationLevel,
    consecutiveFailures: z.number().int().nonnegative(),
    consecutiveSuccesses: z.number().int().nonnegative(),
    /** The level may not be lowered below `level` before `untilMs` (ms since the epoch, exclusive). */
    floor: z.object({ level: DegradationLevel, untilMs: z.number().int().nonnegative() }).strict().optional(),
  })
  .strict();
export type DegradationState = z.infer<typeof DegradationState>;

export const initialDegradationState: DegradationState = { level: 'NORMAL', consecutiveFailures: 0, consecutiveSuccesses: 0 };

export const DegradationEventKind = z.enum(['success', 'failure', 'budget_spent']);
export type DegradationEventKind = z.infer<typeof DegradationEventKind>;

/** One observation: a task or model call succeeded or failed, or the daily model budget is spent. */
export const DegradationEvent = z
  .object({
    kind: DegradationEventKind,
    /** Who reported it: `llm:gpt-4o`, `task:ta`, `llm-budget`, … */
    source: z.string().min(1),
  })
  .strict();
export type DegradationEvent = z.infer<typeof DegradationEvent>;

/** Why the level moved: a run of failures or of successes, or the daily model budget. */
export const DegradationReason = z.enum(['failures', 'successes', 'budget_spent']);
export type DegradationReason = z.infer<typeof DegradationReason>;

export interface DegradationChange {
  from: DegradationLevel;
  to: DegradationLevel;
  reason: DegradationReason;
  /** The runs as they stood when the level moved, before the one that moved it restarts. */
  consecutiveFailures: number;
  consecutiveSuccesses: number;
}

export interface DegradationStep {
  state: DegradationState;
  /** Present only when the level moved. */
  change?: DegradationChange;
}


type Apply = (state: DegradationState, config: DegradationConfig, nowMs: number) => DegradationStep;

/** What each event does. Every (level, event) pair is legal; the odd edges are commented. */
const apply: Record<DegradationEventKind, Apply> = {
  failure(state, config) {
    const failures = state.consecutiveFailures + 1;
    const to = degradationLevels[rank(state.level) + 1];
    // At EMERGENCY there is no step up: the run keeps counting (it says how bad things are).
    if (failures < config.failuresToRaise || to === undefined) {
      return { state: { ...state, consecutiveFailures: failures, consecutiveSuccesses: 0 } };
    }
    return {
      state: { ...state, level: to, consecutiveFailures: 0, consecutiveSuccesses: 0 },
      change: { from: state.level, to, reason: 'failures', consecutiveFailures: failures, consecutiveSuccesses: 0 },
    };
  },

  success(state, config) {
    const successes = state.consecutiveSuccesses + 1;
    const to = degradationLevels[rank(state.level) - 1];
    // Held by a floor (or already NORMAL), the run keeps counting: once the floor expires the
    // next success lowers at once, since the system has been healthy all along.
    const held = to === undefined || (state.floor !== undefined && rank(to) < rank(state.floor.level));
    if (successes < config.successesToLower || held) {
      return { state: { ...state, consecutiveFailures: 0, consecutiveSuccesses: successes } };
    }
    return {
      state: { ...state, level: to, consecutiveFailures: 0, consecutiveSuccesses: 0 },
      change: { from: state.level, to, reason: 'successes', consecutiveFailures: 0, consecutiveSuccesses: successes },
    };
  },

  budget_spent(state, config, nowMs) {
    const floorLevel = state.floor ? higher(state.floor.level, config.budgetSpentLevel) : config.budgetSpentLevel;
    const floor = { level: floorLevel, untilMs: Math.max(state.floor?.untilMs ?? 0, nextUtcMidnightMs(nowMs)) };
    const to = higher(state.level, config.budgetSpentLevel);
    // Already at or above the budget level: only the floor is set, the runs go on.
    if (to === state.level) return { state: { ...state, floor } };
    return {
      state: { level: to, consecutiveFailures: 0, consecutiveSuccesses: 0, floor },
      change: { from: state.level, to, reason: 'budget_spent', ...runsOf(state) },
    };
  },
};

/**
 * The next degradation state after `event` at `nowMs` (the clock's time, ms since the epoch).
 * Pure. A floor whose `untilMs` has passed is dropped first.
 *
 * - `failure`: after `failuresToRaise` in a row the level goes up one step and the run
 *   restarts; EMERGENCY is the top.
 * - `success`: after `successesToLower` in a row the level goes down one step and the run
 *   restarts; never below an active floor.
 * - `budget_spent`: the level becomes at least `budgetSpentLevel`, and that is a floor until the
 *   next UTC midnight.
 *
 * Hysteresis comes from the runs: any failure resets the success run and vice versa, so
 * results that alternate never reach either threshold and the level stays where it is.
 */
export function nextDegradationState(state: DegradationState, event: DegradationEvent, config: DegradationConfig, nowMs: number): DegradationStep {
  const current = state.floor && nowMs >= state.floor.untilMs ? withoutFloor(state) : state;
  return apply[event.kind](current, config, nowMs);
}

function runsOf(state: DegradationState): Pick<DegradationChange, 'consecutiveFailures' | 'consecutiveSuccesses'> {
  return { consecutiveFailures: state.consecutiveFailures, consecutiveSuccesses: state.consecutiveSuccesses };
}

function withoutFloor(state: DegradationState): DegradationState {
  const { floor: _expired, ...rest } = state;
  return rest;
}
