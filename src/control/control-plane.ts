import { Queue, type ConnectionOptions } from 'bullmq';
import type { Redis } from 'ioredis';
import type { Bus } from '../bus/bus.ts';
import { CoordinatorStateChanged } from '../bus/messages/coordinator-state-changed.ts';
import { LuaScript } from '../redis/lua-script.ts';
import { lastRecordedPayload } from '../db/last-recorded-payload.ts';
import type { Db } from '../db/open-database.ts';
import type { Keys } from '../keys.ts';
import type { QueueName } from '../queues/queue-names.ts';
import type { Logger } from '../shared/logger.ts';
import { describeError, TriplegainError } from '../shared/triplegain-error.ts';
import { ControlStateRecord, INITIAL_CONTROL_STATE, toControlHash } from './control-state-record.ts';
import { transitionCoordinatorState } from './coordinator-state.ts';
import { type ControlCommand } from '../model/control-command.ts';
import { type CoordinatorState } from '../model/coordinator-state.ts';
import { managedQueues, queuesPausedIn } from './managed-queues.ts';
import { submissionsInFlight } from './submission-fence.ts';

/**
 * Writes the new record if the version is still the one the caller read.
 * KEYS[1] control hash; ARGV[1] expected version; ARGV[2..] field value pairs.
 * Returns 1 when written. Effects: HSET.
 */
const compareAndSetScript = new LuaScript(
  'control-cas',
  `
local version = redis.call('HGET', KEYS[1], 'version') or '0'
if version ~= ARGV[1] then return 0 end
redis.call('HSET', KEYS[1], unpack(ARGV, 2))
return 1
`,
);

export interface ControlPlaneDeps {
  redis: Redis;
  keys: Keys;
  /** BullMQ connection for pausing and resuming queues. */
  connection: ConnectionOptions;
  bus: Pick<Bus, 'publish'>;
  logger: Logger;
}

export interface ApplyOptions {
  /** `cli:<user>`, `http`, `bus`, `breaker:drawdown`, `degradation`… */
  requestedBy: string;
  reason?: string;
  /** With `halt`: cancel open orders / close positions too (carried out by the execution side). */
  cancelOrders?: boolean;
  flatten?: boolean;
  /** With `halt`: longest wait for submissions already under way. Default 30 s. */
  drainTimeoutMs?: number;
}

export interface ApplyResult {
  from: CoordinatorState;
  to: CoordinatorState;
  version: number;
  pausedQueues: QueueName[];
  /** With `halt`: submissions still under way when the wait ended (empty unless it timed out). */
  stillInFlight: string[];
}

export interface ControlStatus extends ControlStateRecord {
  pausedQueues: QueueName[];
  submissionsInFlight: string[];
}

/**
 * The kill switch and its siblings: pause, resume, halt, reset. The state lives in one Redis
 * hash that every replica reads (the execution worker reads it in the same step as it admits
 * a submission, see `enterSubmission`); BullMQ queue pauses, durable in Redis, stop the work
 * upstream; every change is published as `coordinator.state_changed`, which the event
 * recorder stores in `system_events`, from where `recover` restores a lost state.
 *
 * `halt` returns only after the state is HALTED, every order queue is paused, and every
 * submission admitted before it has finished: after it returns, no order is submitted by any
 * replica.
 */
export class ControlPlane {
  constructor(private readonly deps: ControlPlaneDeps) {}

  /** The current record; RUNNING at version 0 when no command was ever applied. */
  async current(): Promise<ControlStateRecord> {
    const hash = await this.deps.redis.hgetall(this.deps.keys.controlState);
    if (Object.keys(hash).length === 0) return INITIAL_CONTROL_STATE;
    const parsed = ControlStateRecord.safeParse(hash);
    if (!parsed.success) {
      // An unreadable state must not read as RUNNING.
      throw new TriplegainError(
        'DATA_INVALID',
        `control state in ${this.deps.keys.controlState} is unreadable: ${parsed.error.issues.map((i) => i.path.join('.')).join(', ')}`,
      );
    }
    return parsed.data;
  }

  /**
   * The current record, for a decision to trade: a missing state (Redis lost its data, or no
   * worker has started on it yet) is not taken as RUNNING.
   *
   * @throws TriplegainError `CONTROL_STATE_UNKNOWN` (retryable) when Redis holds no control
   *   state; every worker's control watch restores it from `system_events` within a second.
   */
  async known(): Promise<ControlStateRecord> {
    const hash = await this.deps.redis.hgetall(this.deps.keys.controlState);
    if (Object.keys(hash).length === 0) {
      throw new TriplegainError(
        'CONTROL_STATE_UNKNOWN',
        `no control state in ${this.deps.keys.controlState}: trading waits until it is restored from system_events`,
      );
    }
    return this.current();
  }

  /**
   * Applies a command: the new state first (the submission fence obeys it at once), then the
   * queues, then (halt) the wait for submissions under way, then the announcement.
   *
   * @throws TriplegainError `COMMAND_REFUSED` for a command the state does not allow.
   */
  async apply(command: ControlCommand, options: ApplyOptions): Promise<ApplyResult> {
    let from: CoordinatorState;
    let next: ControlStateRecord;
    for (let attempt = 0; ; attempt++) {
      const current = await this.current();
      from = current.state;
      next = {
        state: transitionCoordinatorState(current.state, command),
        version: current.version + 1,
        resets: current.resets + (command === 'reset' ? 1 : 0),
        changedAtMs: Date.now(),
        requestedBy: options.requestedBy,
        reason: options.reason ?? '',
        cancelOrders: command === 'halt' && (options.cancelOrders ?? false),
        flatten: command === 'halt' && (options.flatten ?? false),
      };
      const written = await compareAndSetScript.run(
        this.deps.redis,
        [this.deps.keys.controlState],
        [String(current.version), ...Object.entries(toControlHash(next)).flat()],
      );
      if (written === 1) break;
      if (attempt >= 50)
        throw new TriplegainError('BUSY', 'control state keeps changing under this command; try again');
    }

    const pausedQueues = await this.reconcileQueues(next.state);
    const stillInFlight = next.state === 'HALTED' ? await this.drain(options.drainTimeoutMs ?? 30_000) : [];
    const payload = CoordinatorStateChanged.payload.parse({
      from,
      to: next.state,
      command,
      requestedBy: next.requestedBy,
      reason: next.reason,
      pausedQueues,
      cancelOrders: next.cancelOrders,
      flatten: next.flatten,
      version: next.version,
    });
    await this.deps.bus
      .publish('coordinator.state_changed', payload, {
        priority: next.state === 'RUNNING' ? 'normal' : 'urgent',
        source: 'control',
      })
      .catch((err: unknown) =>
        this.deps.logger.error(
          { err: describeError(err) },
          'state change not announced (the state itself is in force)',
        ),
      );
    this.deps.logger.warn(
      { from, to: next.state, command, requestedBy: next.requestedBy, pausedQueues, stillInFlight },
      'trading state changed',
    );
    return { from, to: next.state, version: next.version, pausedQueues, stillInFlight };
  }

  /**
   * Pauses and resumes the managed queues so that they match `state` (default the current
   * one). Idempotent; run at start too, so that a queue left in the wrong state heals.
   */
  async reconcileQueues(state?: CoordinatorState): Promise<QueueName[]> {
    const target = state ?? (await this.current()).state;
    const paused = new Set(queuesPausedIn(target));
    await Promise.all(
      managedQueues.map(async (name) => {
        const queue = new Queue(name, { connection: this.deps.connection, prefix: this.deps.keys.queuePrefix });
        try {
          if (paused.has(name)) await queue.pause();
          else await queue.resume();
        } finally {
          await queue.close();
        }
      }),
    );
    return managedQueues.filter((name) => paused.has(name));
  }

  /** The state with the queues actually paused in Redis and the submissions under way. */
  async status(): Promise<ControlStatus> {
    const current = await this.current();
    const paused = await Promise.all(
      managedQueues.map(async (name) => {
        const queue = new Queue(name, { connection: this.deps.connection, prefix: this.deps.keys.queuePrefix });
        try {
          return (await queue.isPaused()) ? name : undefined;
        } finally {
          await queue.close();
        }
      }),
    );
    return {
      ...current,
      pausedQueues: paused.filter((n): n is QueueName => n !== undefined),
      submissionsInFlight: await submissionsInFlight(this.deps.redis, this.deps.keys),
    };
  }

  /**
   * At start, and whenever a worker finds the state gone: when Redis has no control state (a
   * new or flushed Redis), the last change recorded in `system_events` is restored (RUNNING
   * when none was ever recorded), then the queues are made to match. After it the state is
   * always in Redis: the submission fence and the risk engine take a missing one as unknown.
   *
   * @returns where the state came from.
   */
  async recover(db: Db): Promise<{ state: CoordinatorState; source: 'redis' | 'database' | 'initial' }> {
    const hash = await this.deps.redis.hgetall(this.deps.keys.controlState);
    if (Object.keys(hash).length > 0) {
      const current = await this.current();
      await this.reconcileQueues(current.state);
      return { state: current.state, source: 'redis' };
    }
    const recorded = await lastRecordedPayload(db, CoordinatorStateChanged);
    if (!recorded) {
      // Written, so that a state missing later means lost, never "not yet set".
      await compareAndSetScript.run(
        this.deps.redis,
        [this.deps.keys.controlState],
        ['0', ...Object.entries(toControlHash(INITIAL_CONTROL_STATE)).flat()],
      );
      const state = (await this.current()).state;
      await this.reconcileQueues(state);
      return { state, source: 'initial' };
    }
    const last = recorded.payload;
    const restored: ControlStateRecord = {
      ...INITIAL_CONTROL_STATE,
      state: last.to,
      version: last.version,
      changedAtMs: recorded.occurredAtMs,
      requestedBy: last.requestedBy,
      reason: `restored from system_events: ${last.reason}`,
      cancelOrders: last.cancelOrders,
      flatten: last.flatten,
    };
    await compareAndSetScript.run(
      this.deps.redis,
      [this.deps.keys.controlState],
      ['0', ...Object.entries(toControlHash(restored)).flat()],
    );
    const state = (await this.current()).state;
    await this.reconcileQueues(state);
    this.deps.logger.warn({ state, version: restored.version }, 'trading state restored from the database');
    return { state, source: 'database' };
  }

  /** Waits until no admitted submission is under way, or `timeoutMs`; returns those left. */
  private async drain(timeoutMs: number): Promise<string[]> {
    const deadline = Date.now() + timeoutMs;
    for (;;) {
      const left = await submissionsInFlight(this.deps.redis, this.deps.keys);
      if (left.length === 0 || Date.now() >= deadline) return left;
      await new Promise((r) => setTimeout(r, 10));
    }
  }
}
