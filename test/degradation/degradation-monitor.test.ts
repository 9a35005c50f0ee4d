import { eq } from 'drizzle-orm';
import { Redis } from 'ioredis';
import { afterEach, describe, expect } from 'vitest';
import { it } from '../support/fixtures.ts';
import { decodeFields } from '../../src/bus/envelope.ts';
import type { PayloadOf } from '../../src/bus/message-catalog.ts';
import { DegradationChanged } from '../../src/bus/messages/degradation-changed.ts';
import { ManualClock } from '../../src/clock/clock.ts';
import { DegradationConfig } from '../../src/config/sections/degradation-config.ts';
import { systemEvents } from '../../src/db/schema/system-events.ts';
import { DegradationMonitor, type DegradationMonitorDeps } from '../../src/degradation/degradation-monitor.ts';
import { silentLogger } from '../../src/shared/logger.ts';
import { startSystemEventRecorder } from '../../src/workers/system-event-recorder.ts';
import { captureLogger } from '../support/capture-logger.ts';
import type { TestBus } from '../support/test-bus.ts';
import { createTestDatabase, type TestDatabase } from '../support/test-database.ts';
import { quietWindow } from '../support/test-timing.ts';
import { waitFor } from '../support/wait-for.ts';

const NOW_MS = Date.UTC(2025, 2, 1, 15, 30);
const MIDNIGHT_MS = Date.UTC(2025, 2, 2);

type DegradationChangedPayload = PayloadOf<'system.degradation_changed'>;

describe('DegradationMonitor', () => {
  let t: TestBus;
  let clock: ManualClock;
  const connections: Redis[] = [];

  it.beforeEach(async ({ bus }) => {
    t = bus;
    clock = new ManualClock(NOW_MS);
  });
  afterEach(async () => {
    for (const c of connections.splice(0)) c.disconnect();
  });

  /** A monitor as another process would have it: its own connection, the same prefix. */
  function aMonitor(
    overrides: Partial<DegradationMonitorDeps> & { settings?: Partial<DegradationConfig> } = {},
  ): DegradationMonitor {
    const { settings, ...deps } = overrides;
    const redis = new Redis(t.url, { maxRetriesPerRequest: 1 });
    connections.push(redis);
    return new DegradationMonitor({
      redis,
      keys: t.keys,
      bus: t.bus,
      config: DegradationConfig.parse(settings ?? {}),
      clock,
      logger: silentLogger,
      ...deps,
    });
  }

  /** Every degradation change on the topic (both lanes), validated as a consumer would. */
  async function changesOnBus(): Promise<DegradationChangedPayload[]> {
    const entries = [
      ...(await t.redis.xrange(t.keys.busUrgentStream('system_events'), '-', '+')),
      ...(await t.redis.xrange(t.keys.busStream('system_events'), '-', '+')),
    ];
    return entries
      .map(([, fields]) => decodeFields(fields))
      .filter((m) => m.type === DegradationChanged.type)
      .map((m) => DegradationChanged.payload.parse(m.payload));
  }

  it('counts every failure reported at once by three monitors sharing the prefix', async () => {
    const monitors = [0, 1, 2].map(() => aMonitor({ settings: { failuresToRaise: 100 } }));
    await Promise.all(
      monitors.flatMap((m, i) =>
        Array.from({ length: 30 }, (_, n) => m.recordFailure(`task:${i}`, new Error(`boom ${n}`))),
      ),
    );
    // Each source's own run, and the cluster's, count every failure.
    const runs = { failures: 30, successes: 0, lastReportMs: NOW_MS };
    expect(await monitors[0]!.state()).toEqual({
      level: 'NORMAL',
      consecutiveFailures: 90,
      consecutiveSuccesses: 0,
      failing: { 'task:0': runs, 'task:1': runs, 'task:2': runs },
    });
  });

  it('raises exactly one step per run when three monitors report failures at once, announcing each step once', async () => {
    const monitors = [0, 1, 2].map(() => aMonitor());
    await Promise.all(monitors.flatMap((m, i) => [1, 2, 3].map(() => m.recordFailure(`task:${i}`))));
    expect((await monitors[0]!.state()).level).toBe('EMERGENCY');
    const changes = await changesOnBus();
    expect(changes.map((c) => [c.from, c.to])).toEqual([
      ['NORMAL', 'REDUCED'],
      ['REDUCED', 'LIMITED'],
      ['LIMITED', 'EMERGENCY'],
    ]);
  });

  it('publishes exactly one system.degradation_changed for a level change, readable from the bus', async () => {
    const received: DegradationChangedPayload[] = [];
    await t.bus.subscribe({
      topic: 'system_events',
      service: 'ops',
      startFrom: 'earliest',
      types: ['system.degradation_changed'],
      handler: (m) => void received.push(DegradationChanged.payload.parse(m.payload)),
    });
    const monitor = aMonitor();
    expect(await monitor.recordFailure('llm:gpt-4o', new Error('HTTP 503'))).toBe('NORMAL');
    expect(await monitor.recordFailure('llm:gpt-4o', new Error('HTTP 503'))).toBe('NORMAL');
    expect(await monitor.recordFailure('llm:gpt-4o', new Error('HTTP 503'))).toBe('REDUCED');
    // Failures after the change count towards the next run; they announce nothing.
    await monitor.recordFailure('llm:gpt-4o');
    await waitFor(() => received.length === 1, 'the change message');
    // Quiet window: the claim is that the later failures announce nothing.
    await quietWindow(200);
    expect(received).toEqual([
      {
        from: 'NORMAL',
        to: 'REDUCED',
        reason: 'failures',
        consecutiveFailures: 3,
        consecutiveSuccesses: 0,
        triggeredBy: 'llm:gpt-4o',
        lastError: 'Error: HTTP 503',
        floor: null,
        floorUntilMs: null,
      },
    ]);
    expect(await t.redis.xlen(t.keys.busStream('system_events'))).toBe(1);
  });

  it('applies the reports of one process in the order they were made, even when not awaited one by one', async () => {
    const monitor = aMonitor();
    const reports = [
      ...Array.from({ length: 9 }, () => ['failure', 'failure', 'success'] as const).flat(),
      'failure',
      'failure',
      'failure',
    ] as const;
    const levels = await Promise.all(
      reports.map((kind) => (kind === 'failure' ? monitor.recordFailure('task:ta') : monitor.recordSuccess('task:ta'))),
    );
    // In order, no three failures meet until the last three.
    expect(levels.slice(0, -1).every((l) => l === 'NORMAL')).toBe(true);
    expect(levels.at(-1)).toBe('REDUCED');
    expect(await changesOnBus()).toHaveLength(1);
  });

  it('keeps the level and the runs in Redis: a new monitor continues where the old one stopped', async () => {
    const first = aMonitor();
    for (let i = 0; i < 5; i++) await first.recordFailure('task:ta');
    expect(await first.level()).toBe('REDUCED');

    const second = aMonitor();
    expect(await second.level()).toBe('REDUCED');
    // The old run stood at 2 of 3: one more failure completes it.
    expect(await second.recordFailure('task:ta')).toBe('LIMITED');
    // task:ta stays failing (it holds the level up), its run restarted.
    expect(JSON.parse((await t.redis.get(t.keys.degradation))!)).toEqual({
      level: 'LIMITED',
      consecutiveFailures: 0,
      consecutiveSuccesses: 0,
      failing: { 'task:ta': { failures: 0, successes: 0, lastReportMs: NOW_MS } },
    });
  });

  it('holds the budget level until the next UTC day of its clock, then lowers again', async () => {
    const monitor = aMonitor();
    expect(await monitor.recordBudgetSpent()).toBe('LIMITED');
    for (let i = 0; i < 20; i++) await monitor.recordSuccess('task:ta');
    expect(await monitor.level()).toBe('LIMITED');

    clock.set(MIDNIGHT_MS);
    expect(await monitor.recordSuccess('task:ta')).toBe('REDUCED');
    const changes = await changesOnBus();
    expect(changes).toMatchObject([
      {
        from: 'NORMAL',
        to: 'LIMITED',
        reason: 'budget_spent',
        triggeredBy: 'llm-budget',
        floor: 'LIMITED',
        floorUntilMs: MIDNIGHT_MS,
      },
      { from: 'LIMITED', to: 'REDUCED', reason: 'successes', floor: null, floorUntilMs: null },
    ]);
  });

  it('still records the change when publishing it fails, and does not throw', async () => {
    const log = captureLogger();
    const monitor = aMonitor({ bus: { publish: () => Promise.reject(new Error('bus down')) }, logger: log.logger });
    for (let i = 0; i < 2; i++) await monitor.recordFailure('task:ta');
    await expect(monitor.recordFailure('task:ta')).resolves.toBe('REDUCED');
    expect((await monitor.state()).level).toBe('REDUCED');
    expect(log.lines.find((l) => l.msg === 'degradation could not publish a level change')).toMatchObject({
      err: 'Error: bus down',
      from: 'NORMAL',
      to: 'REDUCED',
    });
    expect(log.warnings().map((l) => l.msg)).toEqual(['degradation level changed']);
  });

  it('resolves to the last known level and logs when Redis fails', async () => {
    const log = captureLogger();
    const redis = new Redis(t.url, { maxRetriesPerRequest: 0, enableOfflineQueue: false });
    connections.push(redis);
    await new Promise((resolve) => redis.once('ready', resolve));
    const monitor = aMonitor({ redis, logger: log.logger });
    for (let i = 0; i < 3; i++) await monitor.recordFailure('task:ta');

    redis.disconnect();
    await expect(monitor.recordFailure('task:ta')).resolves.toBe('REDUCED');
    await expect(monitor.recordSuccess('task:ta')).resolves.toBe('REDUCED');
    await expect(monitor.level()).resolves.toBe('REDUCED');
    expect(log.lines.filter((l) => l.msg === 'degradation could not record a result')).toHaveLength(2);
  });

  it('starts over from NORMAL when the stored state is not valid, and repairs it', async () => {
    const log = captureLogger();
    await t.redis.set(t.keys.degradation, '{"level":"PANIC"}');
    const monitor = aMonitor({ logger: log.logger });
    expect(await monitor.recordFailure('task:ta')).toBe('NORMAL');
    expect(await monitor.state()).toEqual({
      level: 'NORMAL',
      consecutiveFailures: 1,
      consecutiveSuccesses: 0,
      failing: { 'task:ta': { failures: 1, successes: 0, lastReportMs: NOW_MS } },
    });
    expect(log.lines.some((l) => l.msg === 'degradation state invalid: starting from NORMAL')).toBe(true);
  });
});

describe('DegradationMonitor with the event recorder', () => {
  let t: TestBus;
  let db: TestDatabase;
  it.beforeEach(async ({ bus }) => {
    t = bus;
    db = await createTestDatabase('postgres');
  });
  afterEach(async () => {
    await db.cleanup();
  });

  it('stores a level change in the system_events table', async () => {
    await startSystemEventRecorder({ bus: t.bus, db: db.db });
    const monitor = new DegradationMonitor({
      redis: t.redis,
      keys: t.keys,
      bus: t.bus,
      config: DegradationConfig.parse({}),
      clock: new ManualClock(NOW_MS),
      logger: silentLogger,
    });
    for (let i = 0; i < 3; i++) await monitor.recordFailure('llm:gpt-4o', new Error('HTTP 503'));

    const [row] = await waitFor(async () => {
      const rows = await db.db.select().from(systemEvents).where(eq(systemEvents.type, 'system.degradation_changed'));
      return rows.length > 0 ? rows : undefined;
    }, 'the recorded change');
    expect(row).toMatchObject({
      type: 'system.degradation_changed',
      severity: 'warning',
      source: 'test',
      message: 'degradation level raised from NORMAL to REDUCED after 3 consecutive failures of llm:gpt-4o',
      details: {
        from: 'NORMAL',
        to: 'REDUCED',
        reason: 'failures',
        triggeredBy: 'llm:gpt-4o',
        lastError: 'Error: HTTP 503',
      },
    });
  });
});
