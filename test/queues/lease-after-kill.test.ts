import { Queue } from 'bullmq';
import { afterEach, describe, expect } from 'vitest';
import { it } from '../support/fixtures.ts';
import { queueCatalog } from '../../src/workers/task-queue-catalog.ts';
import { symbolSlug } from '../../src/market/symbol-slug.ts';
import type { TaskRunData } from '../../src/queues/task-run-data.ts';
import { spawnTs, type TsProcess } from '../support/spawn-ts.ts';
import { bullConnection } from '../support/test-queues.ts';
import type { TestRedis } from '../support/test-redis.ts';
import { waitFor } from '../support/wait-for.ts';
import { quietWindow, scaled } from '../support/test-timing.ts';

const taQueue = queueCatalog.ta;

const LEASE_TTL_MS = 3_000;

interface Start {
  symbol: string;
  worker: string;
  startMs: number;
}

describe('a SIGKILLed worker holding a (task, symbol) lease', () => {
  let t: TestRedis;
  const procs: TsProcess[] = [];
  it.beforeEach(async ({ redis }) => {
    t = redis;
  });
  afterEach(async () => {
    for (const p of procs) p.child.kill('SIGKILL');
    await Promise.all(procs.map((p) => p.exited));
    procs.length = 0;
  });

  function worker(name: string, runMs: number): Promise<TsProcess> {
    const p = spawnTs('test/fixtures/task-worker-process.ts', {
      REDIS_URL: t.url,
      KEY_PREFIX: t.prefix,
      RUN_MS: String(runMs),
      WORKER_NAME: name,
      SYMBOLS: 'BTC/USD',
      LEASE_TTL_MS: String(LEASE_TTL_MS),
    });
    procs.push(p);
    return p.waitForOutput('ready').then(() => p);
  }

  async function starts(): Promise<Start[]> {
    return (await t.redis.lrange(`${t.prefix}:test:starts`, 0, -1)).map((s) => JSON.parse(s) as Start);
  }

  it(
    'keeps the lease while the run lives, frees it within leaseTtlMs of the kill, and the run is taken over',
    async () => {
      const leaseKey = t.keys.runLease('ta', symbolSlug('BTC/USD'));
      const first = await worker('w1', 600_000);
      const connection = bullConnection(t.url);
      const queue = new Queue(taQueue.name, { connection, prefix: t.keys.queuePrefix });
      try {
        const data: TaskRunData = {
          task: 'ta',
          symbol: 'BTC/USD',
          tickId: 't1',
          correlationId: 'ta.t1',
          mode: 'scheduled',
        };
        await queue.add('run', data, { jobId: 'run-btc-t1', attempts: 1 });
        await waitFor(async () => (await starts()).some((s) => s.worker === 'w1'), 'the run to start on w1');

        // A live run keeps its lease over several TTLs: it is renewed, not left to lapse. The claim
        // is that nothing happens (no lapse), so a quiet window of two TTLs and a margin.
        await quietWindow(2 * LEASE_TTL_MS + 500);
        expect(await t.redis.get(leaseKey)).toBe('run-btc-t1');
        expect(await t.redis.pttl(leaseKey)).toBeGreaterThan(0);

        first.child.kill('SIGKILL');
        await first.exited;
        // The dead holder's lease lapses within leaseTtlMs (wall time), not the run's timeout:
        // Redis says when, whatever the load on this machine makes of our polling.
        const ttlAtKill = await t.redis.pttl(leaseKey);
        expect(ttlAtKill).toBeGreaterThan(0);
        expect(ttlAtKill).toBeLessThanOrEqual(LEASE_TTL_MS);
        await waitFor(
          async () => (await t.redis.exists(leaseKey)) === 0,
          "the dead holder's lease to lapse",
          scaled(15_000),
        );

        // Its job is found stalled (its lock is a lease of the same length) and a replacement runs
        // it, counted from when the replacement is up: starting a process on a loaded machine
        // takes seconds that are not the lease's.
        await worker('w2', 100);
        const upAtMs = Date.now();
        const takenOver = await waitFor(
          async () => (await starts()).find((s) => s.worker === 'w2'),
          'w2 to run the pair',
          scaled(30_000),
        );
        expect(takenOver.startMs - upAtMs).toBeLessThanOrEqual(scaled(2 * LEASE_TTL_MS + 3_000));
        await waitFor(async () => (await queue.getJobState('run-btc-t1')) === 'completed', 'the run to complete on w2');
      } finally {
        await queue.close();
        connection.disconnect();
      }
    },
    scaled(60_000),
  );
});
