import { Queue } from 'bullmq';
import { Redis } from 'ioredis';
import { afterEach, describe, expect, it } from 'vitest';
import { z } from 'zod';
import { AppConfig } from '../../src/config/app-config.ts';
import { createKeys } from '../../src/keys.ts';
import { defineQueue } from '../../src/queues/define-queue.ts';
import { createQueueWorker, redisOutageLogger, type QueueWorker } from '../../src/workers/create-queue-worker.ts';
import { captureLogger } from '../support/capture-logger.ts';
import { startOwnRedisServer, type OwnRedisServer } from '../support/own-redis-server.ts';
import { quietWindow, scaled } from '../support/test-timing.ts';
import { waitFor } from '../support/wait-for.ts';

const pingQueue = defineQueue({
  name: 'reconcile',
  description: 'test queue',
  jobs: {
    ping: { description: 'answers', data: z.object({}).strict(), result: z.object({ ok: z.boolean() }).strict() },
  },
  attempts: 1,
  backoffMs: 0,
  keep: { completed: 10, failed: 10 },
  concurrency: 1,
  timeoutMs: () => 5_000,
});

/** A second queue, so that two workers of one process see the same outage. */
const pongQueue = defineQueue({
  ...pingQueue,
  name: 'ta',
  jobs: {
    pong: { description: 'answers', data: z.object({}).strict(), result: z.object({ ok: z.boolean() }).strict() },
  },
});

describe('the queue workers of a process while Redis is down', () => {
  let server: OwnRedisServer | undefined;
  let worker: QueueWorker | undefined;
  let other: QueueWorker | undefined;
  let connection: Redis | undefined;
  afterEach(async () => {
    await worker?.close(500).catch(() => undefined);
    await other?.close(500).catch(() => undefined);
    connection?.disconnect();
    await server?.cleanup();
  });

  it(
    'log the outage once when it starts and once when it ends, not once per attempt nor per queue',
    async () => {
      server = await startOwnRedisServer({ appendonly: false });
      const keys = createKeys('tg');
      connection = new Redis(server.url, { maxRetriesPerRequest: null, retryStrategy: () => 100 });
      connection.on('error', () => undefined);
      const { logger, lines } = captureLogger();
      const redisOutage = redisOutageLogger(logger);
      worker = createQueueWorker(
        pingQueue,
        { ping: async () => ({ ok: true }) },
        { connection, keys, config: AppConfig.parse({}), logger, redisOutage },
        { concurrency: 1 },
      );
      other = createQueueWorker(
        pongQueue,
        { pong: async () => ({ ok: true }) },
        { connection, keys, config: AppConfig.parse({}), logger, redisOutage },
        { concurrency: 1 },
      );
      await Promise.all([worker.worker.waitUntilReady(), other.worker.waitUntilReady()]);

      await server.stop('SIGKILL');
      await waitFor(() => lines.some((l) => l.msg === 'workers lost Redis'), 'the outage to be logged');
      // Quiet window: the claim is that the failed reconnects that follow (one every 100 ms, some
      // 15 in this window) log nothing more.
      await quietWindow(1_500);
      const during = lines.filter((l) => l.level >= 40);
      expect(during.map((l) => l.msg)).toEqual(['workers lost Redis']);

      await server.restart();
      // Its own client, closed below: a Queue does not close a client it was given, and one left
      // open reconnects for ever to the server cleaned up after the test.
      const client = new Redis(server.url, { maxRetriesPerRequest: null });
      client.on('error', () => undefined);
      const queue = new Queue(pingQueue.name, { connection: client, prefix: keys.queuePrefix });
      try {
        await queue.add('ping', {});
        const ended = await waitFor(
          () => lines.find((l) => l.msg === 'workers reach Redis again'),
          'the end of the outage logged',
          scaled(20_000),
        );
        expect(ended).toMatchObject({ failedAttempts: expect.any(Number) });
        expect(ended.failedAttempts as number).toBeGreaterThan(1);
        expect(lines.filter((l) => l.msg === 'workers lost Redis' || l.msg === 'worker error')).toHaveLength(1);
      } finally {
        await queue.close();
        client.disconnect();
      }
    },
    scaled(60_000),
  );
});
