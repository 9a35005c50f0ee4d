import type { Redis } from 'ioredis';
import type { Bus } from '../bus/bus.ts';
import type { Clock } from '../clock/clock.ts';
import type { DegradationConfig } from '../config/sections/degradation-config.ts';
import type { DegradationLevel } from '../model/degradation-level.ts';
import type { Keys } from '../keys.ts';
import type { Logger } from '../shared/logger.ts';
import { describeError, TriplegainError } from '../shared/triplegain-error.ts';
import { compareAndSetScript } from './compare-and-set-script.ts';
import {
  DegradationState,
  initialDegradationState,
  nextDegradationState,
  type DegradationChange,
  type DegradationEvent,
  type DegradationStep,
} from './degradation-state.ts';

/** Read–compute–write attempts before giving up on a contended key (each loses only to a write that succeeded). */
const MAX_ATTEMPTS = 100;

export interface DegradationMonitorDeps {
  redis: Redis;
  keys: Keys;
  /** Where level changes are announced (`system.degradation_changed` on `system_events`). */
  bus: Pick<Bus, 'publish'>;
  config: DegradationConfig;
  /** Its time decides when a budget floor (next UTC midnight) has passed. */
  clock: Clock;
  logger: Logger;
}

/**
 * The degradation level shared by every replica. Workers report each task or model result,
 * naming its source (`task:ta`, `model:openai/gpt-4o`); the rules are `nextDegradationState`,
 * which counts runs per source so one source's successes never cancel another's failures. The
 * state, those runs included, is one Redis key (`keys.degradation`, JSON), updated by
 * compare-and-set, so results reported at once by many processes are all counted.
 *
 * A level change is stored first, then published as `system.degradation_changed` (which the
 * event recorder writes to the `system_events` table) and logged as a warning. Exactly one
 * reporter sees a given change, so it is published once; a crash between the write and the
 * publish loses only the announcement, never the level.
 *
 * The `record*` methods never throw: reporting must not fail the caller's job. A Redis or
 * publish failure is logged, and they resolve to the last level this monitor knew. Reports
 * made by one monitor are applied in the order they were made, awaited or not.
 */
export class DegradationMonitor {
  private lastLevel: DegradationLevel = 'NORMAL';
  /** This process's reports apply one after another, in the order made (and never contend with each other for the key). */
  private tail: Promise<unknown> = Promise.resolve();

  constructor(private readonly deps: DegradationMonitorDeps) {}

  /** A task or model call succeeded; `source` names it (`task:<queue>`, `model:<id>`). Resolves to the level after it. */
  recordSuccess(source: string): Promise<DegradationLevel> {
    return this.record({ kind: 'success', source });
  }

  /** A task or model call of `source` failed; `error` goes into the announcement if this failure raises the level. */
  recordFailure(source: string, error?: unknown): Promise<DegradationLevel> {
    return this.record({ kind: 'failure', source }, error === undefined ? undefined : describeError(error));
  }

  /**
   * The daily model budget is spent: the level becomes at least `budgetSpentLevel` and stays
   * there until the next UTC midnight of the clock. Repeating it the same day changes nothing.
   */
  recordBudgetSpent(source = 'llm-budget'): Promise<DegradationLevel> {
    return this.record({ kind: 'budget_spent', source });
  }

  /** The current level from Redis; on a Redis failure, logged, the last level this monitor knew. */
  async level(): Promise<DegradationLevel> {
    try {
      this.lastLevel = (await this.state()).level;
    } catch (err) {
      this.deps.logger.warn(
        { err: describeError(err), lastLevel: this.lastLevel },
        'degradation level unreadable: using the last known',
      );
    }
    return this.lastLevel;
  }

  /**
   * The whole shared state (initial when nothing was reported yet).
   *
   * @throws whatever Redis throws.
   */
  async state(): Promise<DegradationState> {
    return this.parse(await this.deps.redis.get(this.deps.keys.degradation));
  }

  private record(event: DegradationEvent, lastError?: string): Promise<DegradationLevel> {
    const run = this.tail.then(() => this.apply(event, lastError));
    this.tail = run.catch(() => undefined);
    return run;
  }

  private async apply(event: DegradationEvent, lastError: string | undefined): Promise<DegradationLevel> {
    let step: DegradationStep;
    try {
      step = await this.commit(event);
    } catch (err) {
      this.deps.logger.error(
        { event, err: describeError(err), lastLevel: this.lastLevel },
        'degradation could not record a result',
      );
      return this.lastLevel;
    }
    this.lastLevel = step.state.level;
    if (step.change) await this.announce(step.change, step.state, event, lastError);
    return step.state.level;
  }

  /** Read, reduce, compare-and-set; again from the top when another writer got in between. */
  private async commit(event: DegradationEvent): Promise<DegradationStep> {
    const key = this.deps.keys.degradation;
    for (let attempt = 1; ; attempt++) {
      const raw = await this.deps.redis.get(key);
      const step = nextDegradationState(this.parse(raw), event, this.deps.config, this.deps.clock.now());
      const next = JSON.stringify(step.state);
      if (next === raw) return step;
      if (Number(await compareAndSetScript.run(this.deps.redis, [key], [raw ?? '', next])) === 1) return step;
      if (attempt >= MAX_ATTEMPTS) {
        throw new TriplegainError('BUSY', `degradation state still contended after ${MAX_ATTEMPTS} attempts`, { key });
      }
      // Jitter, so that writers which just collided do not collide again in lockstep.
      await new Promise((resolve) => setTimeout(resolve, Math.random() * Math.min(20, attempt)));
    }
  }

  private async announce(
    change: DegradationChange,
    state: DegradationState,
    event: DegradationEvent,
    lastError: string | undefined,
  ): Promise<void> {
    const payload = {
      ...change,
      triggeredBy: event.source,
      ...(change.reason === 'failures' && lastError !== undefined ? { lastError } : {}),
      floor: state.floor?.level ?? null,
      floorUntilMs: state.floor?.untilMs ?? null,
    };
    this.deps.logger.warn(payload, 'degradation level changed');
    const raised = change.reason !== 'successes';
    try {
      await this.deps.bus.publish('system.degradation_changed', payload, { priority: raised ? 'high' : 'normal' });
    } catch (err) {
      this.deps.logger.error({ ...payload, err: describeError(err) }, 'degradation could not publish a level change');
    }
  }

  private parse(raw: string | null): DegradationState {
    if (raw === null) return initialDegradationState;
    try {
      const parsed = DegradationState.safeParse(JSON.parse(raw));
      if (parsed.success) return parsed.data;
      this.deps.logger.error(
        { key: this.deps.keys.degradation, issues: parsed.error.issues.map((i) => i.message) },
        'degradation state invalid: starting from NORMAL',
      );
    } catch (err) {
      this.deps.logger.error(
        { key: this.deps.keys.degradation, err: describeError(err) },
        'degradation state invalid: starting from NORMAL',
      );
    }
    return initialDegradationState;
  }
}
