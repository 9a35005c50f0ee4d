import { afterEach, describe, expect } from 'vitest';
import { it } from '../support/fixtures.ts';
import { SchedulesConfig } from '../../src/config/sections/schedules-config.ts';
import { syncSchedules } from '../../src/queues/sync-schedules.ts';
import { spawnTs, type TsProcess } from '../support/spawn-ts.ts';
import { bullConnection } from '../support/test-queues.ts';
import type { TestRedis } from '../support/test-redis.ts';
import { scaled } from '../support/test-timing.ts';
import { waitFor } from '../support/wait-for.ts';

interface Run {
  symbol: string;
  worker: string;
  startMs: number;
  endMs: number;
}

describe('per-(task, symbol) exclusivity across worker processes', () => {
  let t: TestRedis;
  const procs: TsProcess[] = [];
  it.beforeEach(async ({ redis }) => {
    t = redis;
  });
  afterEach(async () => {
    for (const p of procs) p.child.kill('SIGKILL');
    procs.length = 0;
  });

  it(
    'never overlaps runs of one symbol, skips (and counts) overruns, and runs symbols in parallel',
    async () => {
      const symbols = ['BTC/USD', 'XRP/USD', 'ETH/USD'];
      for (const name of ['w1', 'w2']) {
        const p = spawnTs('test/fixtures/task-worker-process.ts', {
          REDIS_URL: t.url,
          KEY_PREFIX: t.prefix,
          RUN_MS: '2500',
          WORKER_NAME: name,
          SYMBOLS: symbols.join(','),
        });
        procs.push(p);
        await p.waitForOutput('ready');
      }
      const connection = bullConnection(t.url);
      // Every second; each run takes 2.5 s.
      await syncSchedules({
        connection,
        keys: t.keys,
        schedules: SchedulesConfig.parse({
          marketData: { enabled: false },
          regime: { enabled: false },
          decision: { enabled: false },
          portfolio: { enabled: false },
          ta: { everyMs: 1_000, timeoutMs: 1_000 },
        }),
      });
      connection.disconnect();
      const readRuns = async () =>
        (await t.redis.lrange(`${t.prefix}:test:runs`, 0, -1)).map((r) => JSON.parse(r) as Run);
      // Runs until what the test checks has happened: two runs of every symbol, work in both
      // processes, two symbols at once and a skipped tick per symbol.
      await waitFor(async () => {
        const done = await readRuns();
        const skipped = await t.redis.hgetall(t.keys.scheduleSkips);
        return (
          symbols.every((s) => done.filter((r) => r.symbol === s).length >= 2 && Number(skipped[`ta|${s}`] ?? 0) > 0) &&
          new Set(done.map((r) => r.worker)).size === 2 &&
          done.some((a) => done.some((b) => a.symbol !== b.symbol && a.startMs < b.endMs && b.startMs < a.endMs))
        );
      }, 'two runs of every symbol, in both workers, overlapping across symbols, with skips');
      for (const p of procs) p.child.kill('SIGTERM');
      await Promise.all(procs.map((p) => p.exited));

      const runs = await readRuns();
      for (const symbol of symbols) {
        const mine = runs.filter((r) => r.symbol === symbol).sort((a, b) => a.startMs - b.startMs);
        expect(mine.length, `${symbol} ran`).toBeGreaterThanOrEqual(2);
        for (let i = 1; i < mine.length; i++) {
          expect(mine[i]!.startMs, `${symbol} run ${i} starts after run ${i - 1} ended`).toBeGreaterThanOrEqual(
            mine[i - 1]!.endMs,
          );
        }
      }
      // Both processes did work, and different symbols ran at the same time.
      expect(new Set(runs.map((r) => r.worker))).toEqual(new Set(['w1', 'w2']));
      const overlapping = runs.some((a) =>
        runs.some((b) => a.symbol !== b.symbol && a.startMs < b.endMs && b.startMs < a.endMs),
      );
      expect(overlapping).toBe(true);
      // Ticks every second against 2.5 s runs: skips happened, and were counted per symbol.
      const skips = await t.redis.hgetall(t.keys.scheduleSkips);
      for (const symbol of symbols) expect(Number(skips[`ta|${symbol}`] ?? 0), `skips of ${symbol}`).toBeGreaterThan(0);
    },
    scaled(40_000),
  );
});
