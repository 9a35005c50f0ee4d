import { randomBytes } from 'node:crypto';
import { mkdtemp, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { Queue, QueueEvents } from 'bullmq';
import { Redis } from 'ioredis';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { createKeys } from '../../src/keys.ts';
import { deleteKeysUnder } from '../../src/redis/delete-keys-under.ts';
import { silentLogger } from '../../src/shared/logger.ts';
import { runSweep } from '../../src/sweep/run-sweep.ts';
import { SWEEP_QUEUE } from '../../src/sweep/sweep-job.ts';
import { ensureFreshBuild } from '../support/ensure-fresh-build.ts';
import { projectRoot, spawnTs, type TsProcess } from '../support/spawn-ts.ts';
import { testRedisUrl } from '../support/test-redis.ts';
import { waitFor } from '../support/wait-for.ts';
import { scaled } from '../support/test-timing.ts';

describe('a sweep across the cluster', () => {
  let dir: string;
  let prefix: string;
  let redis: Redis;
  const workers: TsProcess[] = [];
  beforeEach(async () => {
    dir = await mkdtemp(join(tmpdir(), 'tgtest-sweep-'));
    prefix = `tgtest-sweep-${randomBytes(4).toString('hex')}`;
    redis = new Redis(testRedisUrl);
  });
  afterEach(async () => {
    for (const w of workers.splice(0)) {
      w.child.kill('SIGKILL');
      await w.exited;
    }
    await deleteKeysUnder(redis, prefix);
    redis.disconnect();
    await rm(dir, { recursive: true, force: true });
  });

  async function sweepFile(grid: string, days = 1): Promise<string> {
    const file = join(dir, 'sweep.yaml');
    await writeFile(file, `from: 2021-11-01\ndays: ${days}\nmetric: returnPct\ngrid:\n${grid}`);
    return file;
  }

  const options = (gridFile: string, lines: string[] = []) => ({
    gridFile,
    workers: 0,
    lockDurationMs: 5_000,
    redisUrl: testRedisUrl,
    keys: createKeys(prefix),
    logger: silentLogger,
    print: (line: string) => lines.push(line),
  });

  it('adds no run when one grid point is refused, naming the point and the violation', async () => {
    const gridFile = await sweepFile('  risk.maxPositionPct: [5, 500]\n');

    await expect(runSweep(options(gridFile))).rejects.toThrow(
      /^the grid point risk\.maxPositionPct=500 is refused: .*risk\.maxPositionPct/s,
    );
    const queue = new Queue(SWEEP_QUEUE, { connection: redis, prefix: createKeys(prefix).queuePrefix });
    expect(await queue.getJobCounts()).toMatchObject({ waiting: 0, active: 0, completed: 0, failed: 0 });
    await queue.close();
  });

  it(
    'loses no result when a worker is killed mid-run: the run is taken again and measures the same',
    async () => {
      ensureFreshBuild();
      const env = { REDIS_URL: testRedisUrl, TRIPLEGAIN__REDIS__KEY_PREFIX: prefix };
      for (let i = 0; i < 2; i++) {
        const worker = spawnTs(join(projectRoot, 'bin/triplegain.mjs'), env, [
          'sweep-worker',
          '--lock-duration-ms',
          '5000',
        ]);
        workers.push(worker);
        await worker.waitForOutput('sweep worker ');
      }
      // Two runs of the same config: equal replays must measure equally, killed or not.
      const gridFile = await sweepFile('  llm.rules.maxSizePct: [10, 10]\n');
      const keys = createKeys(prefix);
      const eventsConnection = new Redis(testRedisUrl, { maxRetriesPerRequest: null });
      const events = new QueueEvents(SWEEP_QUEUE, { connection: eventsConnection, prefix: keys.queuePrefix });
      await events.waitUntilReady();
      const queue = new Queue(SWEEP_QUEUE, { connection: redis, prefix: keys.queuePrefix });
      let killed: { jobId: string; pid: number } | undefined;
      // The first run to start is killed once its replay is under way (its keys are in Redis).
      events.on('active', ({ jobId }) => {
        if (killed) return;
        killed = { jobId, pid: 0 };
        void (async () => {
          const job = await queue.getJob(jobId);
          const pid = Number(job?.processedBy?.split(':').at(-1));
          const victim = workers.find((w) => w.child.pid === pid)!;
          await waitFor(
            async () =>
              (
                await redis.scan('0', 'MATCH', `tgsweep-${job!.data.sweepId}-${job!.data.index}-a1:*`, 'COUNT', 10_000)
              )[1].length > 0,
            'the first run replaying',
          );
          killed = { jobId, pid };
          victim.child.kill('SIGKILL');
        })();
      });

      const lines: string[] = [];
      const outcome = await runSweep(options(gridFile, lines));

      expect(killed?.pid).toBeGreaterThan(0);
      expect(outcome.failed).toEqual([]);
      expect(outcome.results.map((r) => r.index).sort()).toEqual([0, 1]);
      const retried = await queue.getJob(killed!.jobId);
      expect(retried?.attemptsStarted).toBeGreaterThanOrEqual(2);
      // The retried run finished on the worker that is left, with the figures of its twin.
      const [a, b] = outcome.results;
      const figures = ({ worker: _w, elapsedMs: _e, index: _i, ...rest }: typeof a & object) => rest;
      expect(figures(a!)).toEqual(figures(b!));
      expect(outcome.results.every((r) => !r.worker.endsWith(`:${killed!.pid}`))).toBe(true);
      expect(lines.join('\n')).toMatch(/attempt [2-9]/);
      // Nothing of the killed attempt is left behind in Redis.
      expect(await redis.keys(`tgsweep-${outcome.sweepId}-*`)).toEqual([]);
      await events.close();
      eventsConnection.disconnect();
      await queue.close();
    },
    scaled(240_000),
  );
});
