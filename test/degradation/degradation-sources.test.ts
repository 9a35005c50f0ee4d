import { Redis } from 'ioredis';
import { afterEach, describe, expect } from 'vitest';
import { it } from '../support/fixtures.ts';
import { decodeFields } from '../../src/bus/envelope.ts';
import type { PayloadOf } from '../../src/bus/message-catalog.ts';
import { DegradationChanged } from '../../src/bus/messages/degradation-changed.ts';
import { ManualClock } from '../../src/clock/clock.ts';
import { DegradationConfig } from '../../src/config/sections/degradation-config.ts';
import { type DegradationLevel } from '../../src/model/degradation-level.ts';
import { DegradationMonitor } from '../../src/degradation/degradation-monitor.ts';
import { silentLogger } from '../../src/shared/logger.ts';
import type { TestBus } from '../support/test-bus.ts';

const NOW_MS = Date.UTC(2025, 2, 1, 15, 30);
const A = 'model:openai/gpt-x';
const B = 'task:ta';

type Report = readonly [source: string, kind: 'failure' | 'success'];

/** `n` rounds of `round`, flattened. */
const rounds = (n: number, round: readonly Report[]): Report[] => Array.from({ length: n }, () => round).flat();

describe('DegradationMonitor counts runs per source', () => {
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
  function aMonitor(settings: Partial<DegradationConfig> = {}): DegradationMonitor {
    const redis = new Redis(t.url, { maxRetriesPerRequest: 1 });
    connections.push(redis);
    return new DegradationMonitor({
      redis,
      keys: t.keys,
      bus: t.bus,
      config: DegradationConfig.parse(settings),
      clock,
      logger: silentLogger,
    });
  }

  /**
   * Reports in order, A's through one monitor and everyone else's through another (two
   * processes sharing the state), and returns the level after each report.
   */
  async function report(
    reports: readonly Report[],
    monitors: { a: DegradationMonitor; others: DegradationMonitor },
  ): Promise<DegradationLevel[]> {
    const levels: DegradationLevel[] = [];
    for (const [source, kind] of reports) {
      const monitor = source === A ? monitors.a : monitors.others;
      levels.push(
        await (kind === 'failure'
          ? monitor.recordFailure(source, new Error('HTTP 401'))
          : monitor.recordSuccess(source)),
      );
    }
    return levels;
  }

  /** The moves in a sequence of levels: `[from, to]` each time it differs from the one before. */
  function moves(
    levels: readonly DegradationLevel[],
    from: DegradationLevel = 'NORMAL',
  ): [DegradationLevel, DegradationLevel][] {
    const out: [DegradationLevel, DegradationLevel][] = [];
    for (const level of levels) {
      if (level !== from) out.push([from, level]);
      from = level;
    }
    return out;
  }

  async function changesOnBus(): Promise<PayloadOf<'system.degradation_changed'>[]> {
    const entries = [
      ...(await t.redis.xrange(t.keys.busUrgentStream('system_events'), '-', '+')),
      ...(await t.redis.xrange(t.keys.busStream('system_events'), '-', '+')),
    ];
    return entries
      .map(([, fields]) => decodeFields(fields))
      .filter((m) => m.type === DegradationChanged.type)
      .map((m) => DegradationChanged.payload.parse(m.payload));
  }

  it('raises once and never lowers while A always fails and B always succeeds, interleaved 50 times', async () => {
    // 50 failures of A make one run of 30 and part of the next: exactly one step up.
    const settings = { failuresToRaise: 30, successesToLower: 5 };
    const monitors = { a: aMonitor(settings), others: aMonitor(settings) };
    const levels = await report(
      rounds(50, [
        [A, 'failure'],
        [B, 'success'],
      ]),
      monitors,
    );
    console.log(`A fails / B succeeds ×50: ${moves(levels).length} level changes`, moves(levels));
    expect(moves(levels)).toEqual([['NORMAL', 'REDUCED']]);
    expect(levels.indexOf('REDUCED')).toBe(2 * 30 - 2);
    expect(await changesOnBus()).toMatchObject([
      { from: 'NORMAL', to: 'REDUCED', reason: 'failures', triggeredBy: A, consecutiveFailures: 30 },
    ]);
  });

  it('does not flap when A fails in runs and B succeeds in longer runs in between (the incident)', async () => {
    const monitors = { a: aMonitor(), others: aMonitor() };
    const incident = rounds(20, [...rounds(3, [[A, 'failure']]), ...rounds(5, [[B, 'success']])]);
    const levels = await report(incident, monitors);
    console.log(`A fails ×3 / B succeeds ×5, 20 rounds: ${moves(levels).length} level changes`, moves(levels));
    // Each run of A's is one step up; B's successes never take any of them back.
    expect(moves(levels)).toEqual([
      ['NORMAL', 'REDUCED'],
      ['REDUCED', 'LIMITED'],
      ['LIMITED', 'EMERGENCY'],
    ]);
    expect((await changesOnBus()).every((c) => c.reason === 'failures' && c.triggeredBy === A)).toBe(true);
  });

  it('holds the level while a single source flaps: fail, success, fail, success…', async () => {
    const monitors = { a: aMonitor(), others: aMonitor() };
    const raised = await report(rounds(3, [[A, 'failure']]), monitors);
    expect(raised.at(-1)).toBe('REDUCED');
    // One by one, and in runs of successes one short of recovery: neither raises nor lowers.
    const flapping = await report(
      [
        ...rounds(25, [
          [A, 'failure'],
          [A, 'success'],
        ]),
        ...rounds(10, [[A, 'failure'], ...rounds(4, [[A, 'success']])]),
      ],
      monitors,
    );
    console.log(`A flaps ×35 once at REDUCED: ${moves(flapping, 'REDUCED').length} level changes`);
    expect(moves(flapping, 'REDUCED')).toEqual([]);
    expect(await changesOnBus()).toHaveLength(1);
  });

  it('lowers once A itself succeeds for successesToLower in a row, whatever B reports meanwhile', async () => {
    const monitors = { a: aMonitor(), others: aMonitor() };
    expect(
      (
        await report(
          rounds(3, [
            [A, 'failure'],
            [B, 'success'],
          ]),
          monitors,
        )
      ).at(-1),
    ).toBe('REDUCED');
    const recovering = await report(
      rounds(4, [
        [A, 'success'],
        [B, 'success'],
      ]),
      monitors,
    );
    expect(recovering.every((l) => l === 'REDUCED')).toBe(true);
    expect(await report([[A, 'success']], monitors)).toEqual(['NORMAL']);
    expect(await monitors.others.state()).toEqual({
      level: 'NORMAL',
      consecutiveFailures: 0,
      consecutiveSuccesses: 0,
      failing: {},
    });
    expect((await changesOnBus()).map((c) => [c.from, c.to, c.reason, c.triggeredBy])).toEqual([
      ['NORMAL', 'REDUCED', 'failures', A],
      ['REDUCED', 'NORMAL', 'successes', A],
    ]);
  });

  it('stays up while a second failing source has not recovered, and lowers when it has', async () => {
    const C = 'model:anthropic/claude-x';
    const monitors = { a: aMonitor(), others: aMonitor() };
    await report([...rounds(3, [[A, 'failure']]), [C, 'failure'], ...rounds(5, [[A, 'success']])], monitors);
    expect(await monitors.a.level()).toBe('REDUCED');
    expect(Object.keys((await monitors.a.state()).failing)).toEqual([C]);
    expect(await report(rounds(5, [[C, 'success']]), monitors)).toEqual([
      'REDUCED',
      'REDUCED',
      'REDUCED',
      'REDUCED',
      'NORMAL',
    ]);
  });

  it('counts the runs of sources reported at once by three monitors sharing the prefix', async () => {
    const monitors = [0, 1, 2].map(() => aMonitor());
    // A's failures come from every process at once, B's successes likewise: A's run still reaches 3.
    await Promise.all(monitors.flatMap((m) => [m.recordFailure(A), m.recordSuccess(B), m.recordSuccess(B)]));
    const state = await monitors[0]!.state();
    expect(state.level).toBe('REDUCED');
    expect(state.failing).toEqual({ [A]: { failures: 0, successes: 0, lastReportMs: NOW_MS } });
  });
});
