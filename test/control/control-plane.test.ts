import { Queue } from 'bullmq';
import { Redis } from 'ioredis';
import { afterEach, describe, expect } from 'vitest';
import { it } from '../support/fixtures.ts';
import { ControlPlane } from '../../src/control/control-plane.ts';
import { transitionCoordinatorState } from '../../src/control/coordinator-state.ts';
import { ControlCommand } from '../../src/model/control-command.ts';
import { CoordinatorState } from '../../src/model/coordinator-state.ts';
import { managedQueues } from '../../src/control/managed-queues.ts';
import { enterSubmission } from '../../src/control/submission-fence.ts';
import { recoverDegradation } from '../../src/degradation/recover-degradation.ts';
import { DegradationMonitor } from '../../src/degradation/degradation-monitor.ts';
import { DegradationConfig } from '../../src/config/sections/degradation-config.ts';
import { systemClock } from '../../src/clock/clock.ts';
import { queueNames, type QueueName } from '../../src/queues/queue-names.ts';
import { silentLogger } from '../../src/shared/logger.ts';
import { startSystemEventRecorder } from '../../src/workers/system-event-recorder.ts';
import type { TestBus } from '../support/test-bus.ts';
import { quietWindow } from '../support/test-timing.ts';
import { waitFor } from '../support/wait-for.ts';

describe('the coordinator state table', () => {
  const expected: Record<CoordinatorState, Partial<Record<ControlCommand, CoordinatorState>>> = {
    RUNNING: { pause: 'PAUSED', resume: 'RUNNING', halt: 'HALTED', reset: 'RUNNING' },
    PAUSED: { pause: 'PAUSED', resume: 'RUNNING', halt: 'HALTED', reset: 'PAUSED' },
    HALTED: { halt: 'HALTED', reset: 'PAUSED' },
  };
  for (const state of CoordinatorState.options) {
    for (const command of ControlCommand.options) {
      const next = expected[state][command];
      it(next ? `${state} + ${command} → ${next}` : `${state} + ${command} is refused`, () => {
        if (next) expect(transitionCoordinatorState(state, command)).toBe(next);
        else
          expect(() => transitionCoordinatorState(state, command)).toThrow(
            expect.objectContaining({ code: 'COMMAND_REFUSED' }),
          );
      });
    }
  }
});

describe('ControlPlane', () => {
  let t: TestBus;
  let connection: Redis;
  let control: ControlPlane;
  it.beforeEach(async ({ bus }) => {
    t = bus;
    connection = new Redis(t.url, { maxRetriesPerRequest: null });
    control = new ControlPlane({ redis: t.redis, keys: t.keys, connection, bus: t.bus, logger: silentLogger });
  });
  afterEach(async () => {
    connection.disconnect();
  });

  const pausedQueues = async () => {
    const paused: QueueName[] = [];
    for (const name of queueNames) {
      const queue = new Queue(name, { connection, prefix: t.keys.queuePrefix });
      if (await queue.isPaused()) paused.push(name);
      await queue.close();
    }
    return paused.sort();
  };

  it('pauses the entry queues on pause, every order queue on halt, and never market data, positions or reconcile', async () => {
    expect((await control.apply('pause', { requestedBy: 'test' })).to).toBe('PAUSED');
    expect(await pausedQueues()).toEqual(['decision', 'portfolio', 'regime', 'sentiment', 'ta']);
    expect((await control.apply('halt', { requestedBy: 'test' })).to).toBe('HALTED');
    expect(await pausedQueues()).toEqual([...managedQueues].sort());
    for (const name of ['market-data', 'positions', 'reconcile']) expect(await pausedQueues()).not.toContain(name);
    expect((await control.apply('reset', { requestedBy: 'test' })).to).toBe('PAUSED');
    expect(await pausedQueues()).toEqual(['decision', 'portfolio', 'regime', 'sentiment', 'ta']);
    expect((await control.apply('resume', { requestedBy: 'test' })).to).toBe('RUNNING');
    expect(await pausedQueues()).toEqual([]);
    const status = await control.status();
    expect(status).toMatchObject({ state: 'RUNNING', version: 4, resets: 1, pausedQueues: [] });
  });

  it('announces every change on system_events', async () => {
    await control.apply('halt', { requestedBy: 'test', reason: 'drill', flatten: true });
    const [entry] = await t.redis.xrange(t.keys.busUrgentStream('system_events'), '-', '+');
    const fields = entry![1];
    expect(fields[fields.indexOf('type') + 1]).toBe('coordinator.state_changed');
    expect(JSON.parse(fields[fields.indexOf('payload') + 1]!)).toMatchObject({
      from: 'RUNNING',
      to: 'HALTED',
      command: 'halt',
      requestedBy: 'test',
      reason: 'drill',
      flatten: true,
      cancelOrders: false,
      version: 1,
    });
  });

  it('admits exits but not entries while PAUSED, and nothing while HALTED', async () => {
    const enter = (id: string, intent: 'entry' | 'exit') =>
      enterSubmission(t, { submissionId: id, intent, ttlMs: 5_000 });
    expect((await enter('a', 'entry')).admitted).toBe(true);
    await control.apply('pause', { requestedBy: 'test' });
    expect(await enter('b', 'entry')).toEqual({ admitted: false, state: 'PAUSED' });
    const exit = await enter('c', 'exit');
    expect(exit.admitted).toBe(true);
    if (exit.admitted) await exit.leave();
    // 'a' is still under way: halt waits for it (here it gives up after 200 ms and says so).
    const halted = await control.apply('halt', { requestedBy: 'test', drainTimeoutMs: 200 });
    expect(halted.stillInFlight).toEqual(['a']);
    expect(await enter('d', 'exit')).toEqual({ admitted: false, state: 'HALTED' });
  });

  it('returns from halt only once the submissions admitted before it have left', async () => {
    const permit = await enterSubmission(t, { submissionId: 'slow-order', intent: 'entry', ttlMs: 10_000 });
    expect(permit.admitted).toBe(true);
    let returned = false;
    const halting = control.apply('halt', { requestedBy: 'test' }).then((r) => {
      returned = true;
      return r;
    });
    // Quiet window: the claim is that halt does not return while a submission is in flight.
    await quietWindow(300);
    expect(returned).toBe(false);
    if (permit.admitted) await permit.leave();
    expect((await halting).stillInFlight).toEqual([]);
  });

  it('refuses to read an unreadable state as RUNNING', async () => {
    await t.redis.hset(t.keys.controlState, { state: 'SOMETHING', version: '1' });
    await expect(control.current()).rejects.toMatchObject({ code: 'DATA_INVALID' });
  });

  describe('recovery at start', () => {
    it('restores the trading state and the degradation level from system_events when Redis lost them', async ({
      database,
    }) => {
      await startSystemEventRecorder({ bus: t.bus, db: database.db });
      const degradation = new DegradationMonitor({
        redis: t.redis,
        keys: t.keys,
        bus: t.bus,
        config: DegradationConfig.parse({}),
        clock: systemClock,
        logger: silentLogger,
      });
      for (let i = 0; i < 3; i++) await degradation.recordFailure('test');
      await control.apply('halt', { requestedBy: 'test' });
      await waitFor(
        async () => (await t.bus.stats('system_events')).groups.find((g) => g.name === 'event-log')?.handled === 2,
        'both changes recorded',
      );

      // Redis loses everything (a flushed or replaced server).
      await t.redis.del(t.keys.controlState, t.keys.degradation);
      for (const name of managedQueues) await new Queue(name, { connection, prefix: t.keys.queuePrefix }).resume();
      expect((await control.current()).state).toBe('RUNNING');

      expect(await control.recover(database.db)).toEqual({ state: 'HALTED', source: 'database' });
      expect(await pausedQueues()).toEqual([...managedQueues].sort());
      expect(await recoverDegradation({ redis: t.redis, keys: t.keys, db: database.db, nowMs: Date.now() })).toEqual({
        level: 'REDUCED',
        source: 'database',
      });
      expect(await degradation.level()).toBe('REDUCED');
      // With the state in Redis, Redis wins.
      expect(await control.recover(database.db)).toEqual({ state: 'HALTED', source: 'redis' });
    });

    it('starts RUNNING and NORMAL on a fresh installation, and writes the state down', async ({ database }) => {
      await t.redis.del(t.keys.controlState);
      expect(await control.recover(database.db)).toEqual({ state: 'RUNNING', source: 'initial' });
      // Written: a state missing later means lost, and the fence admits nothing then.
      expect(await t.redis.hget(t.keys.controlState, 'state')).toBe('RUNNING');
      expect(await recoverDegradation({ redis: t.redis, keys: t.keys, db: database.db, nowMs: Date.now() })).toEqual({
        level: 'NORMAL',
        source: 'initial',
      });
    });
  });
});
