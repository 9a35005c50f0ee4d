import { Queue } from 'bullmq';
import type { Redis } from 'ioredis';
import { afterEach, describe, expect } from 'vitest';
import { it } from '../support/fixtures.ts';
import { jobOptionsOf } from '../../src/queues/define-queue.ts';
import { slowQueue } from '../fixtures/slow-queue.ts';
import { spawnTs, type TsProcess } from '../support/spawn-ts.ts';
import { bullConnection } from '../support/test-queues.ts';
import type { TestRedis } from '../support/test-redis.ts';
import { waitFor } from '../support/wait-for.ts';
import { scaled } from '../support/test-timing.ts';

describe('SIGTERM mid-job loses nothing', () => {
  let t: TestRedis;
  let connection: Redis;
  let queue: Queue;
  const procs: TsProcess[] = [];
  it.beforeEach(async ({ redis }) => {
    t = redis;
    connection = bullConnection(t.url);
    queue = new Queue(slowQueue.name, { connection, prefix: t.keys.queuePrefix });
  });
  afterEach(async () => {
    for (const p of procs) p.child.kill('SIGKILL');
    procs.length = 0;
    await queue.close();
    connection.disconnect();
  });

  const startWorker = async (name: string, env: { JOB_MS: number; DEADLINE_MS: number }) => {
    const p = spawnTs('test/fixtures/slow-job-worker-process.ts', {
      REDIS_URL: t.url,
      KEY_PREFIX: t.prefix,
      WORKER_NAME: name,
      JOB_MS: String(env.JOB_MS),
      DEADLINE_MS: String(env.DEADLINE_MS),
    });
    procs.push(p);
    await p.waitForOutput('ready');
    return p;
  };
  const addJob = () => queue.add('work', { label: 'one' }, jobOptionsOf(slowQueue));
  /** SIGTERM, then the exit code and how long the process took to go. */
  const terminate = async (p: TsProcess) => {
    const sentMs = Date.now();
    p.child.kill('SIGTERM');
    const code = await p.exited;
    return { code, tookMs: Date.now() - sentMs };
  };

  it(
    'lets an active job finish when the deadline is longer than the job, then exits 0',
    async () => {
      const w1 = await startWorker('w1', { JOB_MS: 1_500, DEADLINE_MS: 10_000 });
      const job = await addJob();
      await w1.waitForOutput(`started ${job.id}`);

      const { code, tookMs } = await terminate(w1);
      expect(code).toBe(0);
      // It waited for the job (most of its 1.5 s), not for the 10 s deadline.
      expect(tookMs).toBeGreaterThan(800);
      expect(tookMs).toBeLessThan(8_000);
      expect(w1.output()).toContain('closed');

      // w1 was the only worker and is gone: the job completed before it exited.
      const done = (await queue.getJob(job.id!))!;
      expect(await done.getState()).toBe('completed');
      expect(done.returnvalue).toEqual({ label: 'one', worker: 'w1' });
      expect(done.attemptsMade).toBe(1);
      expect(done.failedReason).toBeFalsy();
    },
    scaled(25_000),
  );

  it(
    'puts a job still running at the deadline back in the queue, unfailed, for another worker',
    async () => {
      const w1 = await startWorker('w1', { JOB_MS: 20_000, DEADLINE_MS: 300 });
      const job = await addJob();
      await w1.waitForOutput(`started ${job.id}`);

      const { code, tookMs } = await terminate(w1);
      expect(code).toBe(0);
      // Promptly: the deadline plus the release, not the 20 s job.
      expect(tookMs).toBeLessThan(5_000);

      const released = (await queue.getJob(job.id!))!;
      expect(['waiting', 'delayed']).toContain(await released.getState());
      expect(released.failedReason).toBeFalsy();
      expect(released.stacktrace).toEqual([]);
      expect(released.attemptsMade).toBe(0);

      const w2 = await startWorker('w2', { JOB_MS: 100, DEADLINE_MS: 1_000 });
      await w2.waitForOutput(`started ${job.id}`);
      // The state first, then the job: a job read while still active carries no return value yet.
      const done = await waitFor(
        async () => ((await queue.getJobState(job.id!)) === 'completed' ? queue.getJob(job.id!) : undefined),
        'the released job to complete on w2',
      );
      expect(done.returnvalue).toEqual({ label: 'one', worker: 'w2' });
      // One attempt in all: the released run did not count.
      expect(done.attemptsMade).toBe(1);
      expect(done.failedReason).toBeFalsy();
      expect(await queue.getFailedCount()).toBe(0);
      expect((await terminate(w2)).code).toBe(0);
    },
    scaled(25_000),
  );
});
