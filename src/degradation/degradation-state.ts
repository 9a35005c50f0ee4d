import { z } from 'zod';
import { nextUtcMidnightMs } from '../clock/utc-periods.ts';
import { type DegradationConfig } from '../config/sections/degradation-config.ts';
import { DegradationLevel } from '../model/degradation-level.ts';
import type { DegradationReason } from '../model/degradation-reason.ts';
import { FailingSource } from './failing-source.ts';

/** The levels from mild to severe; one step is one index. */
export const degradationLevels: readonly DegradationLevel[] = ['NORMAL', 'REDUCED', 'LIMITED', 'EMERGENCY'];

const rank = (level: DegradationLevel): number => degradationLevels.indexOf(level);
const higher = (a: DegradationLevel, b: DegradationLevel): DegradationLevel => (rank(a) >= rank(b) ? a : b);

/**
 * The degradation state every replica shares (one Redis key, as JSON). Raising and recovering
 * are decided by each source's own runs (`failing`), so one source's successes never cancel
 * another's failures; the cluster-wide runs beside them count every source together.
 */
export const DegradationState = z
  .object({
    level: DegradationLevel,
    /** Failures in a row across all sources (what `status` shows); a success of any source resets it. */
    consecutiveFailures: z.number().int().nonnegative(),
    /**
     * Successes in a row across all sources since the last failure or level change: once no
     * source is failing, `successesToLower` of them lower the level one step.
     */
    consecutiveSuccesses: z.number().int().nonnegative(),
    /**
     * The sources that failed and have not recovered, by source; any of them holds the level
     * up. Missing from states stored before runs were counted per source: read as none.
     */
    failing: z.record(z.string().min(1), FailingSource).default({}),
    /** The level may not be lowered below `level` before `untilMs` (ms since the epoch, exclusive). */
    floor: z.object({ level: DegradationLevel, untilMs: z.number().int().nonnegative() }).strict().optional(),
  })
  .strict();
export type DegradationState = z.infer<typeof DegradationState>;

export const initialDegradationState: DegradationState = {
  level: 'NORMAL',
  consecutiveFailures: 0,
  consecutiveSuccesses: 0,
  failing: {},
};

export const DegradationEventKind = z.enum(['success', 'failure', 'budget_spent']);
export type DegradationEventKind = z.infer<typeof DegradationEventKind>;

/** One observation: a task or model call succeeded or failed, or the daily model budget is spent. */
export const DegradationEvent = z
  .object({
    kind: DegradationEventKind,
    /** What it is about: `task:ta`, `model:openai/gpt-4o`, `llm-budget`, … Runs are counted per source. */
    source: z.string().min(1),
  })
  .strict();
export type DegradationEvent = z.infer<typeof DegradationEvent>;

export interface DegradationChange {
  from: DegradationLevel;
  to: DegradationLevel;
  reason: DegradationReason;
  /**
   * The runs as they stood when the level moved, before the one that moved it restarts: for a
   * raise the failures of the source that raised it, for a lowering the cluster-wide successes.
   */
  consecutiveFailures: number;
  consecutiveSuccesses: number;
}

export interface DegradationStep {
  state: DegradationState;
  /** Present only when the level moved. */
  change?: DegradationChange;
}

type Apply = (state: DegradationState, source: string, config: DegradationConfig, nowMs: number) => DegradationStep;

/** What each event does. Every (level, event) pair is legal; the odd edges are commented. */
const apply: Record<DegradationEventKind, Apply> = {
  failure(state, source, config, nowMs) {
    const failures = (state.failing[source]?.failures ?? 0) + 1;
    const to = degradationLevels[rank(state.level) + 1];
    // At EMERGENCY there is no step up: the run keeps counting (it says how bad things are).
    if (failures < config.failuresToRaise || to === undefined) {
      const failing = withSource(state.failing, source, { failures, successes: 0, lastReportMs: nowMs });
      return {
        state: { ...state, consecutiveFailures: state.consecutiveFailures + 1, consecutiveSuccesses: 0, failing },
      };
    }
    // Only this source's run restarts: the source stays failing (it holds the step it raised),
    // and other sources' runs go on toward the next step.
    const failing = withSource(state.failing, source, { failures: 0, successes: 0, lastReportMs: nowMs });
    return {
      state: { ...state, level: to, consecutiveFailures: 0, consecutiveSuccesses: 0, failing },
      change: { from: state.level, to, reason: 'failures', consecutiveFailures: failures, consecutiveSuccesses: 0 },
    };
  },

  success(state, source, config, nowMs) {
    const failing = afterSuccess(state.failing, source, config, nowMs);
    const successes = state.consecutiveSuccesses + 1;
    const to = degradationLevels[rank(state.level) - 1];
    // Held while any source is still failing (whoever reported this success), by a floor, or
    // already NORMAL. The run keeps counting: when the floor expires or the last failing
    // source recovers, a run already long enough lowers at once.
    const held =
      to === undefined ||
      Object.keys(failing).length > 0 ||
      (state.floor !== undefined && rank(to) < rank(state.floor.level));
    if (successes < config.successesToLower || held) {
      return { state: { ...state, consecutiveFailures: 0, consecutiveSuccesses: successes, failing } };
    }
    return {
      state: { ...state, level: to, consecutiveFailures: 0, consecutiveSuccesses: 0, failing },
      change: { from: state.level, to, reason: 'successes', consecutiveFailures: 0, consecutiveSuccesses: successes },
    };
  },

  budget_spent(state, _source, config, nowMs) {
    const floorLevel = state.floor ? higher(state.floor.level, config.budgetSpentLevel) : config.budgetSpentLevel;
    const floor = { level: floorLevel, untilMs: Math.max(state.floor?.untilMs ?? 0, nextUtcMidnightMs(nowMs)) };
    const to = higher(state.level, config.budgetSpentLevel);
    // Already at or above the budget level: only the floor is set, the runs go on.
    if (to === state.level) return { state: { ...state, floor } };
    // The failing sources stay failing: the budget says nothing about their health.
    return {
      state: { ...state, level: to, consecutiveFailures: 0, consecutiveSuccesses: 0, floor },
      change: { from: state.level, to, reason: 'budget_spent', ...runsOf(state) },
    };
  },
};

/**
 * The next degradation state after `event` at `nowMs` (the clock's time, ms since the epoch).
 * Pure. First drops what has lapsed: a floor whose `untilMs` has passed, and failing sources
 * silent for `forgetSourceAfterMs`.
 *
 * - `failure`: after `failuresToRaise` in a row from one source the level goes up one step and
 *   that source's run restarts; EMERGENCY is the top. The source is failing until it recovers.
 * - `success`: a failing source recovers after `successesToLower` of its own in a row. Once no
 *   source is failing, `successesToLower` in a row (of any sources, since the last failure or
 *   level change) lower the level one step and the run restarts; never below an active floor.
 * - `budget_spent`: the level becomes at least `budgetSpentLevel`, and that is a floor until the
 *   next UTC midnight.
 *
 * Hysteresis comes from the runs: a source's failure resets its own successes and vice versa,
 * so a source whose results alternate never raises nor recovers and the level stays where it
 * is; another source's results never touch its runs, so they cannot cancel its failures.
 */
export function nextDegradationState(
  state: DegradationState,
  event: DegradationEvent,
  config: DegradationConfig,
  nowMs: number,
): DegradationStep {
  return apply[event.kind](withoutLapsed(state, config, nowMs), event.source, config, nowMs);
}

/** A success of `source`: its failure run ends, and after `successesToLower` of them it has recovered. */
function afterSuccess(
  failing: DegradationState['failing'],
  source: string,
  config: DegradationConfig,
  nowMs: number,
): DegradationState['failing'] {
  const own = failing[source];
  if (own === undefined) return failing;
  const successes = own.successes + 1;
  if (successes >= config.successesToLower) return withoutSource(failing, source);
  return withSource(failing, source, { failures: 0, successes, lastReportMs: nowMs });
}

function withSource(
  failing: DegradationState['failing'],
  source: string,
  runs: FailingSource,
): DegradationState['failing'] {
  return { ...failing, [source]: runs };
}

function withoutSource(failing: DegradationState['failing'], source: string): DegradationState['failing'] {
  const { [source]: _recovered, ...rest } = failing;
  return rest;
}

function runsOf(state: DegradationState): Pick<DegradationChange, 'consecutiveFailures' | 'consecutiveSuccesses'> {
  return { consecutiveFailures: state.consecutiveFailures, consecutiveSuccesses: state.consecutiveSuccesses };
}

/** `state` without a floor whose end has passed, nor failing sources silent for `forgetSourceAfterMs`. */
function withoutLapsed(state: DegradationState, config: DegradationConfig, nowMs: number): DegradationState {
  const { floor, failing, ...rest } = state;
  const heard = Object.fromEntries(
    Object.entries(failing).filter(([, runs]) => nowMs - runs.lastReportMs < config.forgetSourceAfterMs),
  );
  return { ...rest, failing: heard, ...(floor && nowMs < floor.untilMs ? { floor } : {}) };
}
