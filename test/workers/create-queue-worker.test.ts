import { Queue, type Job } from 'bullmq';
import type { Redis } from 'ioredis';
import { afterEach, describe, expect } from 'vitest';
import { it } from '../support/fixtures.ts';
import { z } from 'zod';
import { AppConfig } from '../../src/config/app-config.ts';
import { defineQueue, jobOptionsOf, type JobDataOf, type JobHandlers } from '../../src/queues/define-queue.ts';
import { silentLogger } from '../../src/shared/logger.ts';
import { TriplegainError } from '../../src/shared/triplegain-error.ts';
import { createQueueWorker, type QueueWorker } from '../../src/workers/create-queue-worker.ts';
import type { JobOutcome } from '../../src/workers/job-outcome.ts';
import { bullConnection } from '../support/test-queues.ts';
import type { TestRedis } from '../support/test-redis.ts';
import { waitFor } from '../support/wait-for.ts';
import { scaled } from '../support/test-timing.ts';

/** A queue of the catalog's names that no worker of the application runs yet. */
const echoQueue = defineQueue({
  name: 'reconcile',
  description: 'test queue: echoes a pair',
  jobs: {
    echo: {
      description: 'echo the pair back',
      data: z
        .object({
          symbol: z.string().regex(/^[A-Z0-9]+\/[A-Z0-9]+$/, 'expected a pair such as BTC/USD'),
          note: z.string().default('no note'),
        })
        .strict(),
      result: z.object({ echoed: z.string(), by: z.string().default('echo') }).strict(),
    },
  },
  attempts: 3,
  backoffMs: 10,
  keep: { completed: 1_000, failed: 1_000 },
  concurrency: 4,
  timeoutMs: () => 5_000,
});
type EchoData = JobDataOf<typeof echoQueue, 'echo'>;
type EchoHandler = JobHandlers<typeof echoQueue>['echo'];

const btc = { symbol: 'BTC/USD' };

describe('createQueueWorker', () => {
  let t: TestRedis;
  let connection: Redis;
  let queue: Queue;
  let worker: QueueWorker | undefined;
  let outcomes: JobOutcome[];
  it.beforeEach(async ({ redis }) => {
    t = redis;
    connection = bullConnection(t.url);
    queue = new Queue(echoQueue.name, { connection, prefix: t.keys.queuePrefix });
    outcomes = [];
  });
  afterEach(async () => {
    await worker?.close(1_000);
    worker = undefined;
    await queue.close();
    connection.disconnect();
  });

  /** Starts a worker whose `echo` handler is `echo`; `calls` counts its invocations. */
  const start = async (echo: EchoHandler, options: { timeoutMs?: number } = {}) => {
    worker = createQueueWorker(
      echoQueue,
      { echo },
      {
        connection,
        keys: t.keys,
        config: AppConfig.parse({}),
        logger: silentLogger,
        onOutcome: (o) => outcomes.push(o),
      },
      { concurrency: echoQueue.concurrency, ...options },
    );
    await worker.worker.waitUntilReady();
  };
  /** Adds a job as a producer of the catalog would (the queue's attempts and backoff). */
  const add = (name: string, data: unknown) => queue.add(name, data, jobOptionsOf(echoQueue));
  /** The job once it has completed or failed for good. */
  const settled = async (job: Job) =>
    waitFor(async () => {
      const state = await job.getState();
      if (state !== 'completed' && state !== 'failed') return undefined;
      return { state, job: (await queue.getJob(job.id!))! };
    }, `job ${job.id} to settle`);

  it(
    'hands the handler the parsed data and stores the parsed result, defaults applied to both',
    async () => {
      const seen: EchoData[] = [];
      await start(async (data) => {
        seen.push(data);
        return { echoed: `${data.symbol} (${data.note})` };
      });
      const { state, job } = await settled(await add('echo', btc));
      expect(state).toBe('completed');
      expect(seen).toEqual([{ symbol: 'BTC/USD', note: 'no note' }]);
      expect(job.returnvalue).toEqual({ echoed: 'BTC/USD (no note)', by: 'echo' });
      expect(outcomes).toMatchObject([{ queue: 'reconcile', jobName: 'echo', jobId: job.id, ok: true }]);
    },
    scaled(15_000),
  );

  it(
    'fails a job with invalid data at once, without a retry, naming the invalid field',
    async () => {
      let calls = 0;
      await start(async () => {
        calls++;
        return { echoed: 'never' };
      });
      const { state, job } = await settled(await add('echo', { symbol: 'btcusd' }));
      expect(state).toBe('failed');
      expect(job.attemptsMade).toBe(1);
      expect(job.failedReason).toMatch(/^invalid reconcile\/echo data: symbol: expected a pair such as BTC\/USD/);
      expect(calls).toBe(0);
    },
    scaled(15_000),
  );

  it(
    'fails a job whose name has no handler, without a retry',
    async () => {
      await start(async () => ({ echoed: 'never' }));
      const { state, job } = await settled(await add('teleport', btc));
      expect(state).toBe('failed');
      expect(job.attemptsMade).toBe(1);
      expect(job.failedReason).toBe('queue reconcile has no job "teleport"');
    },
    scaled(15_000),
  );

  it(
    'fails a run slower than the timeout with JOB_TIMEOUT and aborts its signal',
    async () => {
      const reasons: unknown[] = [];
      await start(
        (_data, ctx) =>
          new Promise((resolve, reject) => {
            const slow = setTimeout(() => resolve({ echoed: 'too late' }), 5_000);
            ctx.signal.addEventListener('abort', () => {
              clearTimeout(slow);
              reasons.push(ctx.signal.reason);
              reject(ctx.signal.reason as Error);
            });
          }),
        { timeoutMs: 150 },
      );
      const { state, job } = await settled(await add('echo', btc));
      expect(state).toBe('failed');
      expect(job.failedReason).toBe('run took longer than 150 ms');
      // A timeout is retryable: every attempt ran, and every one timed out.
      expect(job.attemptsMade).toBe(3);
      expect(reasons).toHaveLength(3);
      for (const reason of reasons) expect(reason).toMatchObject({ code: 'JOB_TIMEOUT', retryable: true });
      expect(outcomes.map((o) => (o.error as TriplegainError).code)).toEqual([
        'JOB_TIMEOUT',
        'JOB_TIMEOUT',
        'JOB_TIMEOUT',
      ]);
    },
    scaled(15_000),
  );

  it(
    'fails a run whose result does not match the schema, without a retry, naming the field',
    async () => {
      let calls = 0;
      await start(async () => {
        calls++;
        return { echoed: 42 } as unknown as { echoed: string };
      });
      const { state, job } = await settled(await add('echo', btc));
      expect(state).toBe('failed');
      expect(job.failedReason).toMatch(/^reconcile\/echo returned an invalid result: echoed: /);
      expect(job.attemptsMade).toBe(1);
      expect(calls).toBe(1);
      expect(job.returnvalue).toBeNull();
    },
    scaled(15_000),
  );

  it(
    'retries a retryable error up to the queue attempts',
    async () => {
      let calls = 0;
      await start(async () => {
        calls++;
        throw new TriplegainError('EXCHANGE_UNAVAILABLE', 'Kraken is in maintenance');
      });
      const { state, job } = await settled(await add('echo', btc));
      expect(state).toBe('failed');
      expect(job.failedReason).toBe('Kraken is in maintenance');
      expect(job.attemptsMade).toBe(3);
      expect(calls).toBe(3);
    },
    scaled(15_000),
  );

  it(
    'completes a job whose retryable error goes away on a retry',
    async () => {
      let calls = 0;
      await start(async (data) => {
        calls++;
        if (calls === 1) throw new TriplegainError('EXCHANGE_UNAVAILABLE', 'Kraken is in maintenance');
        return { echoed: data.symbol };
      });
      const { state, job } = await settled(await add('echo', btc));
      expect(state).toBe('completed');
      expect(job.attemptsMade).toBe(2);
      expect(job.returnvalue).toEqual({ echoed: 'BTC/USD', by: 'echo' });
      expect(outcomes.map((o) => o.ok)).toEqual([false, true]);
    },
    scaled(15_000),
  );

  it(
    'tries a non-retryable error once',
    async () => {
      let calls = 0;
      await start(async () => {
        calls++;
        throw new TriplegainError('EXCHANGE_REJECTED', 'EGeneral:Invalid arguments');
      });
      const { state, job } = await settled(await add('echo', btc));
      expect(state).toBe('failed');
      expect(job.failedReason).toBe('EGeneral:Invalid arguments');
      expect(job.attemptsMade).toBe(1);
      expect(calls).toBe(1);
      expect(outcomes).toMatchObject([{ ok: false, error: { code: 'EXCHANGE_REJECTED' } }]);
    },
    scaled(15_000),
  );
});
