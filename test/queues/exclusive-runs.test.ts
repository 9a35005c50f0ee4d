import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { SchedulesConfig } from '../../src/config/sections/schedules-config.ts';
import { syncSchedules } from '../../src/queues/sync-schedules.ts';
import { spawnTs, type TsProcess } from '../support/spawn-ts.ts';
import { bullConnection } from '../support/test-queues.ts';
import { createTestRedis, type TestRedis } from '../support/test-redis.ts';
import { sleep } from '../support/wait-for.ts';

interface Run {
  symbol: string;
  worker: string;
  startMs: number;
  endMs: number;
}

describe('per-(task, symbol) exclusivity across worker processes', () => {
  let t: TestRedis;
  const procs: TsProcess[] = [];
  beforeEach(async () => {
    t = await createTestRedis();
  });
  afterEach(async () => {
    for (const p of procs) p.child.kill('SIGKILL');
    procs.length = 0;
    await t.cleanup();
  });

  it('never overlaps runs of one symbol, skips (and counts) overruns, and runs symbols in parallel', async () => {
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
    await sleep(8_000);
    for (const p of procs) p.child.kill('SIGTERM');
    await Promise.all(procs.map((p) => p.exited));

    const runs = (await t.redis.lrange(`${t.prefix}:test:runs`, 0, -1)).map((r) => JSON.parse(r) as Run);
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
  }, 40_000);
});
