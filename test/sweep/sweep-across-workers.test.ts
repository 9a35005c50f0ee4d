import { randomBytes } from 'node:crypto';
import { mkdtemp, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { Queue, QueueEvents, Worker } from 'bullmq';
import { Redis } from 'ioredis';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { createKeys } from '../../src/keys.ts';
import { deleteKeysUnder } from '../../src/redis/delete-keys-under.ts';
import { silentLogger } from '../../src/shared/logger.ts';
import { runSweep } from '../../src/sweep/run-sweep.ts';
import { SWEEP_QUEUE } from '../../src/sweep/sweep-job.ts';
import { startSweepWorker } from '../../src/sweep/start-sweep-worker.ts';
import { ensureFreshBuild } from '../support/ensure-fresh-build.ts';
import { runCli } from '../support/run-cli.ts';
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
    for (const cleanup of cleanups.splice(0)) await cleanup();
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

  /** A sweep worker that is up but takes nothing: runs queued stay waiting. Closed after the test. */
  async function idleWorker(): Promise<Worker> {
    const connection = new Redis(testRedisUrl, { maxRetriesPerRequest: null });
    const idle = new Worker(SWEEP_QUEUE, async () => {}, {
      connection,
      prefix: createKeys(prefix).queuePrefix,
      autorun: false,
    });
    await idle.waitUntilReady();
    cleanups.push(async () => {
      await idle.close();
      connection.disconnect();
    });
    return idle;
  }
  const cleanups: (() => Promise<void>)[] = [];

  const options = (gridFile: string, lines: string[] = []) => ({
    gridFile,
    workers: 0,
    lockDurationMs: 10_000,
    redisUrl: testRedisUrl,
    keys: createKeys(prefix),
    logger: silentLogger,
    print: (line: string) => lines.push(line),
  });

  it('adds no run when one grid point is refused, naming the point and the violation', async () => {
    await idleWorker();
    const gridFile = await sweepFile('  risk.maxPositionPct: [5, 500]\n');

    await expect(runSweep(options(gridFile))).rejects.toThrow(
      /^the grid point risk\.maxPositionPct=500 is refused: .*risk\.maxPositionPct/s,
    );
    // Nothing written to Redis: not a run, not the queue's meta key.
    expect(await redis.keys(`${prefix}*`)).toEqual([]);
    const queue = new Queue(SWEEP_QUEUE, { connection: redis, prefix: createKeys(prefix).queuePrefix });
    expect(await queue.getJobCounts()).toMatchObject({ waiting: 0, active: 0, completed: 0, failed: 0 });
    await queue.close();
  });

  it('refuses to queue runs when no sweep worker is up and it starts none', async () => {
    const gridFile = await sweepFile('  risk.maxPositionPct: [5, 10]\n');

    await expect(runSweep(options(gridFile))).rejects.toThrow(
      `no sweep worker is up on this Redis (prefix ${prefix}): start \`triplegain sweep-worker\` or give --workers N`,
    );
    expect(await redis.keys(`${prefix}*`)).toEqual([]);
    const queue = new Queue(SWEEP_QUEUE, { connection: redis, prefix: createKeys(prefix).queuePrefix });
    expect(await queue.getJobCounts()).toMatchObject({ waiting: 0, active: 0 });
    await queue.close();
  });

  it('starts the runs from the -c config when the sweep file names no base, and refuses a period the recordings lack or a bad date', async () => {
    await idleWorker();
    const configFile = join(dir, 'mine.yaml');
    await writeFile(configFile, 'risk:\n  maxPositionPct: 500\n');
    const gridFile = await sweepFile('  llm.rules.stopLossAtr: [2]\n');

    await expect(runSweep({ ...options(gridFile), configFile })).rejects.toThrow(
      /^the grid point llm\.rules\.stopLossAtr=2 is refused: .*risk\.maxPositionPct/s,
    );
    await writeFile(gridFile, 'from: 2030-01-01\ndays: 1\ngrid:\n  llm.rules.stopLossAtr: [2]\n');
    await expect(runSweep(options(gridFile))).rejects.toThrow(
      /^the grid point llm\.rules\.stopLossAtr=2 is refused: the recording of BTC\/USD covers .*: not enough for 24 bars/,
    );
    await writeFile(gridFile, 'from: 2021-13-01\ndays: 1\ngrid:\n  llm.rules.stopLossAtr: [2]\n');
    await expect(runSweep(options(gridFile))).rejects.toThrow(
      `sweep file ${gridFile}: from: "2021-13-01": expected a date such as 2021-11-01`,
    );
  });

  it('takes the runs no worker started off the queue when interrupted, and ends with the runs that finished', async () => {
    const keys = createKeys(prefix);
    await idleWorker();
    const gridFile = await sweepFile('  llm.rules.stopLossAtr: [1.5, 2]\n');
    const interrupt = new AbortController();
    const lines: string[] = [];

    const sweep = runSweep({
      ...options(gridFile, lines),
      signal: interrupt.signal,
      print: (line) => {
        lines.push(line);
        interrupt.abort();
      },
    });

    const outcome = await sweep;
    expect(outcome).toMatchObject({
      period: { from: '2021-11-01', days: 1 },
      results: [],
      failed: [],
      interrupted: { removed: 2 },
    });
    const queue = new Queue(SWEEP_QUEUE, { connection: redis, prefix: keys.queuePrefix });
    expect(await queue.getJobCounts()).toMatchObject({ waiting: 0, active: 0 });
    expect(lines[0]).toMatch(
      /^sweep \S+: 2 runs of 1 day from 2021-11-01, config .*, on queue sweep, by the workers up$/,
    );
    expect(lines[1]).toBe(`sweep ${outcome.sweepId} interrupted: 2 runs taken off the queue`);
    // Nobody waits for the sweep any more: a worker given one of its runs skips it.
    expect(await redis.exists(`${prefix}:sweep:${outcome.sweepId}:live`)).toBe(0);
    await queue.close();
  });

  it('stops waiting at a second interrupt: the runs finished so far, the running ones left for their workers to skip', async () => {
    const keys = createKeys(prefix);
    // A worker that takes one run and never finishes it.
    const connection = new Redis(testRedisUrl, { maxRetriesPerRequest: null });
    let taken!: () => void;
    const running = new Promise<void>((resolve) => (taken = resolve));
    const stuck = new Worker(
      SWEEP_QUEUE,
      () => {
        taken();
        return new Promise(() => {});
      },
      { connection, prefix: keys.queuePrefix, concurrency: 1 },
    );
    cleanups.push(async () => {
      await stuck.close(true);
      connection.disconnect();
    });
    await stuck.waitUntilReady();
    const gridFile = await sweepFile('  llm.rules.stopLossAtr: [1.5, 2]\n');
    const interrupt = new AbortController();
    const stopNow = new AbortController();
    const lines: string[] = [];

    const sweep = runSweep({ ...options(gridFile, lines), signal: interrupt.signal, stopNow: stopNow.signal });
    await running;
    interrupt.abort();
    await waitFor(async () => lines.some((l) => l.includes('waiting for the 1 run running')), 'the interrupt');
    stopNow.abort();
    const outcome = await sweep;

    expect(outcome).toMatchObject({ results: [], failed: [], interrupted: { removed: 1, unfinished: 1 } });
    expect(await redis.exists(`${prefix}:sweep:${outcome.sweepId}:live`)).toBe(0);
  });

  it('refuses an --out it cannot write before any run', async () => {
    const gridFile = await sweepFile('  llm.rules.stopLossAtr: [2]\n');
    const notADir = join(dir, 'a-file');
    await writeFile(notADir, 'x');

    const sweep = await runCli(
      { REDIS_URL: testRedisUrl, TRIPLEGAIN__REDIS__KEY_PREFIX: prefix },
      ['sweep', '--grid', gridFile, '--workers', '1', '--out', join(notADir, 'sub')],
      scaled(60_000),
    );

    expect(sweep.code).toBe(1);
    expect(sweep.stderr).toContain(`--out ${join(notADir, 'sub')}: cannot write there`);
    expect(sweep.stdout).not.toContain('runs of');
    expect(await redis.keys(`${prefix}:q:sweep:*`)).toEqual([]);
  });

  it('skips a run whose sweep is no longer waiting (its command killed or stopped), without replaying it', async () => {
    const keys = createKeys(prefix);
    const queue = new Queue(SWEEP_QUEUE, { connection: redis, prefix: keys.queuePrefix });
    const data = {
      sweepId: 'gone-1',
      index: 0,
      configYaml: '{}\n',
      from: '2021-11-01',
      days: 1,
      values: { 'llm.rules.stopLossAtr': 2 },
    };
    await queue.add('run', data, { jobId: 'gone-1.0', attempts: 3 });
    const worker = startSweepWorker({
      redisUrl: testRedisUrl,
      keys,
      logger: silentLogger,
      concurrency: 1,
      lockDurationMs: 10_000,
    });
    try {
      const failed = new Promise<string>((resolve) => worker.worker.on('failed', (_job, err) => resolve(err.message)));
      expect(await failed).toBe('skipped: sweep gone-1 is no longer waiting for its runs');
      const job = await queue.getJob('gone-1.0');
      // Not retried, and nothing of a replay under the run's prefix.
      expect(await job!.getState()).toBe('failed');
      expect(job!.attemptsMade).toBe(1);
      expect(await redis.keys(`${prefix}-sweep-gone-1-*`)).toEqual([]);
    } finally {
      await worker.close();
      await queue.close();
    }
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
          '10000',
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
                await redis.scan(
                  '0',
                  'MATCH',
                  `${prefix}-sweep-${job!.data.sweepId}-${job!.data.index}-a1:*`,
                  'COUNT',
                  10_000,
                )
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
      expect(await redis.keys(`${prefix}-sweep-${outcome.sweepId}-*`)).toEqual([]);
      await events.close();
      eventsConnection.disconnect();
      await queue.close();
    },
    scaled(240_000),
  );
});
