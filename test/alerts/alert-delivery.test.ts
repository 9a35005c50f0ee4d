import { createServer, type IncomingMessage, type Server } from 'node:http';
import { Queue, type Job } from 'bullmq';
import { Redis } from 'ioredis';
import { afterEach, describe, expect, it } from 'vitest';
import type { NewAlert } from '../../src/alerts/alert.ts';
import { AlertRaiser } from '../../src/alerts/alert-raiser.ts';
import { startAlertDelivery, type AlertDeliveryWorker } from '../../src/alerts/start-alert-delivery.ts';
import { AlertsConfig } from '../../src/config/sections/alerts-config.ts';
import { findFreePort } from '../../src/redis/free-port.ts';
import { captureLogger } from '../support/capture-logger.ts';
import { listenLocal, type LocalListener } from '../support/listen-local.ts';
import { bullConnection } from '../support/test-queues.ts';
import { createTestRedis, type TestRedis } from '../support/test-redis.ts';
import { waitFor } from '../support/wait-for.ts';
import { scaled } from '../support/test-timing.ts';

const BOT_TOKEN = '123456:AAbot-token-for-tests-only';
const HEADER_SECRET = 'Bearer webhook-secret-for-tests';

interface Received {
  path: string;
  headers: IncomingMessage['headers'];
  body: Record<string, unknown>;
}

/** A local HTTP receiver (a webhook, or the Telegram Bot API) recording what it is sent. */
interface StandIn {
  received: Received[];
  /** The answer to the next request: status and JSON body. */
  answer: (req: Received) => { status: number; body: unknown };
  listen(port?: number): Promise<string>;
  close(): Promise<void>;
}

function standIn(answer: StandIn['answer'] = () => ({ status: 200, body: { ok: true } })): StandIn {
  let listener: LocalListener | undefined;
  let server: Server | undefined;
  const self: StandIn = {
    received: [],
    answer,
    async listen(port) {
      server = createServer((req, res) => {
        let raw = '';
        req.on('data', (chunk: Buffer) => (raw += chunk.toString('utf8')));
        req.on('end', () => {
          const got: Received = {
            path: req.url ?? '',
            headers: req.headers,
            body: JSON.parse(raw) as Record<string, unknown>,
          };
          self.received.push(got);
          const { status, body } = self.answer(got);
          res.writeHead(status, { 'content-type': 'application/json' }).end(JSON.stringify(body));
        });
      });
      if (port === undefined) {
        listener = await listenLocal(server);
        return listener.url;
      }
      await new Promise<void>((resolve) => server!.listen(port, '127.0.0.1', resolve));
      return `http://127.0.0.1:${port}`;
    },
    async close() {
      if (listener) await listener.close();
      else if (server?.listening) {
        server.closeAllConnections();
        await new Promise<void>((resolve) => server!.close(() => resolve()));
      }
    },
  };
  return self;
}

/** The Bot API's `sendMessage`, as https://core.telegram.org/bots/api#sendmessage describes it. */
function telegramStandIn(): StandIn {
  let messageId = 0;
  return standIn((req) => {
    const match = /^\/bot([^/]+)\/sendMessage$/.exec(req.path);
    if (!match || match[1] !== BOT_TOKEN)
      return { status: 401, body: { ok: false, error_code: 401, description: 'Unauthorized' } };
    if (typeof req.body.chat_id !== 'number' || typeof req.body.text !== 'string' || req.body.text.length === 0) {
      return { status: 400, body: { ok: false, error_code: 400, description: 'Bad Request: message text is empty' } };
    }
    messageId += 1;
    return {
      status: 200,
      body: {
        ok: true,
        result: {
          message_id: messageId,
          date: Math.floor(Date.now() / 1000),
          chat: { id: req.body.chat_id, type: 'private' },
          text: req.body.text,
        },
      },
    };
  });
}

function anAlert(overrides: Partial<NewAlert> = {}): NewAlert {
  return {
    kind: 'breaker_tripped',
    subject: 'drawdown',
    severity: 'critical',
    title: 'risk breaker drawdown tripped: halt',
    message: 'loss 21 % reached the 20 % threshold',
    details: { breaker: 'drawdown' },
    occurrenceId: `m-${Math.random().toString(36).slice(2)}`,
    occurredAtMs: Date.UTC(2026, 0, 5, 12),
    ...overrides,
  };
}

interface Fixture {
  t: TestRedis;
  queue: Queue;
  raiser: AlertRaiser;
  worker?: AlertDeliveryWorker;
  log: ReturnType<typeof captureLogger>;
  config: AlertsConfig;
  /** The raiser's wall clock. */
  clock: { nowMs: number };
  startWorker(): AlertDeliveryWorker;
  jobs(): Promise<Job[]>;
}

describe('alert delivery', () => {
  const cleanups: (() => Promise<void>)[] = [];
  afterEach(async () => {
    for (const c of cleanups.reverse()) await c();
    cleanups.length = 0;
  });

  async function setUp(alerts: Record<string, unknown>): Promise<Fixture> {
    const t = await createTestRedis();
    const connection = bullConnection(t.url);
    const queue = new Queue('alerts', { connection, prefix: t.keys.queuePrefix });
    const config = AlertsConfig.parse({
      collapseMs: 0,
      delivery: { attempts: 5, backoffMs: 100, timeoutMs: 2_000 },
      ...alerts,
    });
    const log = captureLogger();
    const clock = { nowMs: Date.now() };
    const raiser = new AlertRaiser({
      redis: t.redis,
      keys: t.keys,
      queue,
      config,
      logger: log.logger,
      now: () => clock.nowMs,
    });
    const fixture: Fixture = {
      t,
      queue,
      raiser,
      log,
      config,
      clock,
      startWorker() {
        const workerConnection = bullConnection(t.url);
        const worker = startAlertDelivery({
          connection: workerConnection,
          redis: t.redis,
          keys: t.keys,
          config,
          logger: log.logger,
        });
        cleanups.push(async () => {
          await worker.close();
          workerConnection.disconnect();
        });
        fixture.worker = worker;
        return worker;
      },
      jobs: () => queue.getJobs(['waiting', 'delayed', 'active', 'completed', 'failed', 'prioritized']),
    };
    cleanups.push(async () => {
      await queue.close();
      connection.disconnect();
      await t.cleanup();
    });
    return fixture;
  }

  function track(s: StandIn): StandIn {
    cleanups.push(() => s.close());
    return s;
  }

  it(
    'delivers an alert to a webhook that was down once it is up, exactly once',
    async () => {
      const port = await findFreePort();
      const hook = track(standIn());
      const f = await setUp({
        webhooks: [{ name: 'ops', url: `http://127.0.0.1:${port}/alerts`, headers: { Authorization: HEADER_SECRET } }],
        delivery: { attempts: 5, backoffMs: 300, timeoutMs: 2_000 },
      });
      f.startWorker();

      expect(await f.raiser.raise(anAlert({ occurrenceId: 'trip-1' }))).toBe('enqueued');
      const [job] = await f.jobs();
      // The receiver is down: the first try fails and the job waits for its retry.
      await waitFor(async () => (await f.queue.getJob(job!.id!))!.attemptsMade >= 1, 'a failed first try');
      expect(hook.received).toHaveLength(0);

      await hook.listen(port);
      await waitFor(async () => (await f.queue.getJobState(job!.id!)) === 'completed', 'the delivery');
      expect(hook.received).toHaveLength(1);
      expect(hook.received[0]!.path).toBe('/alerts');
      expect(hook.received[0]!.headers.authorization).toBe(HEADER_SECRET);
      expect(hook.received[0]!.body).toMatchObject({
        kind: 'breaker_tripped',
        subject: 'drawdown',
        severity: 'critical',
        count: 1,
        source: 'triplegain',
      });

      // The same occurrence raised again (a redelivered message) finds its job: nothing is sent again.
      await f.raiser.raise(anAlert({ occurrenceId: 'trip-1' }));
      expect(await f.jobs()).toHaveLength(1);
      expect(await f.queue.getJobState(job!.id!)).toBe('completed');
      // The outage was one line and its end one more, not one per try.
      expect(f.log.lines.filter((l) => l.msg === 'alert receiver failing')).toHaveLength(1);
      expect(f.log.lines.filter((l) => l.msg === 'alert receiver delivering again')).toHaveLength(1);
    },
    scaled(30_000),
  );

  it('enqueues an alert whose enqueue failed when the same occurrence is raised again, as a redelivered message does', async () => {
    const f = await setUp({ webhooks: [{ name: 'ops', url: 'http://127.0.0.1:9/' }] });
    // BullMQ's own connection is gone (a Redis it cannot reach) while the command connection works.
    const unreachable = new Redis(`redis://127.0.0.1:${await findFreePort()}`, {
      lazyConnect: true,
      enableOfflineQueue: false,
      maxRetriesPerRequest: 0,
      retryStrategy: () => null,
    });
    unreachable.on('error', () => undefined);
    const broken = new Queue('alerts', { connection: unreachable, prefix: f.t.keys.queuePrefix });
    broken.on('error', () => undefined);
    cleanups.push(async () => {
      await broken.close().catch(() => undefined);
      unreachable.disconnect();
    });
    const failing = new AlertRaiser({
      redis: f.t.redis,
      keys: f.t.keys,
      queue: broken,
      config: f.config,
      logger: f.log.logger,
      now: () => f.clock.nowMs,
    });

    await expect(failing.raise(anAlert({ occurrenceId: 'trip-9' }))).rejects.toThrow();
    expect(await f.jobs()).toHaveLength(0);
    expect(await f.raiser.raise(anAlert({ occurrenceId: 'trip-9' }))).toBe('enqueued');
    expect(await f.jobs()).toHaveLength(1);
    // Another occurrence in the window is only counted.
    expect(await f.raiser.raise(anAlert({ occurrenceId: 'trip-10' }))).toBe('counted');
  });

  it(
    'sends a burst of one alert as one message with its count, and another subject on its own',
    async () => {
      const hook = track(standIn());
      const url = await hook.listen();
      const f = await setUp({ webhooks: [{ name: 'ops', url }], collapseMs: 500 });
      const outcomes = [];
      for (let i = 0; i < 5; i += 1) outcomes.push(await f.raiser.raise(anAlert({ occurrenceId: `burst-${i}` })));
      outcomes.push(await f.raiser.raise(anAlert({ occurrenceId: 'burst-3' })));
      outcomes.push(await f.raiser.raise(anAlert({ subject: 'dailyLoss', occurrenceId: 'other' })));
      expect(outcomes).toEqual(['enqueued', 'counted', 'counted', 'counted', 'counted', 'duplicate', 'enqueued']);
      f.startWorker();

      await waitFor(() => hook.received.length >= 2, 'two messages');
      const bySubject = Object.fromEntries(hook.received.map((r) => [r.body.subject, r.body.count]));
      expect(bySubject).toEqual({ drawdown: 5, dailyLoss: 1 });
    },
    scaled(30_000),
  );

  it(
    'sends one alert at most once per window, and reports the ones after its message with the next',
    async () => {
      const hook = track(standIn());
      const url = await hook.listen();
      const f = await setUp({ webhooks: [{ name: 'ops', url }], windowMs: 60_000 });
      f.startWorker();
      const start = f.clock.nowMs;

      expect(await f.raiser.raise(anAlert({ occurrenceId: 'a' }))).toBe('enqueued');
      await waitFor(() => hook.received.length === 1, 'the first message');
      f.clock.nowMs = start + 30_000;
      expect(await f.raiser.raise(anAlert({ occurrenceId: 'b' }))).toBe('counted');
      expect(await f.raiser.raise(anAlert({ occurrenceId: 'c' }))).toBe('counted');
      f.clock.nowMs = start + 59_999;
      expect(await f.raiser.raise(anAlert({ occurrenceId: 'd' }))).toBe('counted');
      expect(await f.jobs()).toHaveLength(1);

      // The window is over: the next one goes out, with the three that came after the first message.
      f.clock.nowMs = start + 60_000;
      expect(await f.raiser.raise(anAlert({ occurrenceId: 'e' }))).toBe('enqueued');
      await waitFor(() => hook.received.length === 2, 'the second message');
      expect(hook.received.map((r) => [r.body.count, r.body.carried])).toEqual([
        [1, 0],
        [1, 3],
      ]);
    },
    scaled(30_000),
  );

  it(
    'speaks the Bot API to Telegram: POST /bot<token>/sendMessage with JSON chat_id and text, answered ok',
    async () => {
      const telegram = track(telegramStandIn());
      const apiBaseUrl = await telegram.listen();
      const f = await setUp({ telegram: { chatId: -1001234567890, botToken: BOT_TOKEN, apiBaseUrl } });
      f.startWorker();

      await f.raiser.raise(anAlert());
      await waitFor(async () => (await f.queue.getJobs(['completed'])).length === 1, 'the delivery');
      expect(telegram.received).toHaveLength(1);
      const sent = telegram.received[0]!;
      expect(sent.path).toBe(`/bot${BOT_TOKEN}/sendMessage`);
      expect(sent.headers['content-type']).toBe('application/json');
      expect(Object.keys(sent.body).sort()).toEqual(['chat_id', 'text']);
      expect(sent.body.chat_id).toBe(-1001234567890);
      expect(sent.body.text).toContain('CRITICAL: risk breaker drawdown tripped: halt');
    },
    scaled(30_000),
  );

  it(
    'leaves an alert Telegram refuses for good failed in the queue at once, logged once, without the bot token anywhere',
    async () => {
      // Its description quotes the request's path, as a proxy's error page may: the token is in it.
      const telegram = track(
        standIn((req) => ({
          status: 400,
          body: { ok: false, error_code: 400, description: `Bad Request: chat not found (${req.path})` },
        })),
      );
      const apiBaseUrl = await telegram.listen();
      const f = await setUp({ telegram: { chatId: '@nochat', botToken: BOT_TOKEN, apiBaseUrl } });
      f.startWorker();

      await f.raiser.raise(anAlert());
      await waitFor(async () => (await f.queue.getJobs(['failed'])).length === 1, 'the failed job');
      const [job] = await f.queue.getJobs(['failed']);
      expect(job!.attemptsMade).toBe(1);
      expect(telegram.received).toHaveLength(1);
      expect(job!.failedReason).toBe(
        'telegram answered 400: Bad Request: chat not found (/bot***/sendMessage); not retried',
      );
      expect(f.log.lines.filter((l) => l.msg === 'alert not delivered: left failed in the alerts queue')).toHaveLength(
        1,
      );
      expect(f.log.text()).not.toContain(BOT_TOKEN);
      expect(await redisText(f.t.redis, f.t.prefix)).not.toContain(BOT_TOKEN);
    },
    scaled(30_000),
  );

  it(
    'keeps an alert failed in the queue once its tries run out, logged once, and the other receiver gets it meanwhile',
    async () => {
      const down = await findFreePort();
      const telegram = track(telegramStandIn());
      const apiBaseUrl = await telegram.listen();
      const f = await setUp({
        webhooks: [{ name: 'down', url: `http://127.0.0.1:${down}/`, headers: { 'X-Key': HEADER_SECRET } }],
        telegram: { chatId: 42, botToken: BOT_TOKEN, apiBaseUrl },
        delivery: { attempts: 3, backoffMs: 100, timeoutMs: 1_000 },
      });
      f.startWorker();

      await f.raiser.raise(anAlert());
      await waitFor(() => telegram.received.length === 1, 'the Telegram message');
      await waitFor(async () => (await f.queue.getJobs(['failed'])).length === 1, 'the webhook job failed for good');
      const [failed] = await f.queue.getJobs(['failed']);
      expect(failed!.data.receiver).toBe('webhook-down');
      expect(failed!.attemptsMade).toBe(3);
      expect(failed!.failedReason).toContain('receiver unreachable (ECONNREFUSED)');
      expect(f.log.lines.filter((l) => l.msg === 'alert not delivered: left failed in the alerts queue')).toHaveLength(
        1,
      );
      expect(f.log.lines.filter((l) => l.msg === 'alert receiver failing')).toHaveLength(1);
      expect(f.log.text()).not.toContain(HEADER_SECRET);
    },
    scaled(30_000),
  );

  it(
    'ends an attempt at its timeout, wall time, whether the receiver never answers or stops halfway through its answer',
    async () => {
      const silent = await listenLocal(createServer(() => undefined));
      const halfway = await listenLocal(
        createServer((_req, res) => res.writeHead(200, { 'content-type': 'application/json' }).write('{"ok":')),
      );
      cleanups.push(
        () => silent.close(),
        () => halfway.close(),
      );
      const f = await setUp({
        webhooks: [
          { name: 'silent', url: silent.url },
          { name: 'halfway', url: halfway.url },
        ],
        delivery: { attempts: 1, backoffMs: 100, timeoutMs: 300 },
      });
      f.startWorker();
      const startedMs = Date.now();

      await f.raiser.raise(anAlert());
      await waitFor(async () => (await f.queue.getJobs(['failed'])).length === 2, 'both attempts to end');
      expect(Date.now() - startedMs).toBeLessThan(5_000);
      const failed = await f.queue.getJobs(['failed']);
      expect(failed.map((j) => [j.data.receiver, j.failedReason]).sort()).toEqual([
        ['webhook-halfway', 'no complete answer within 300 ms'],
        ['webhook-silent', 'no complete answer within 300 ms'],
      ]);
    },
    scaled(30_000),
  );

  it(
    'stores the alert but no credential: no bot token, header value or webhook URL in Redis',
    async () => {
      const hook = track(standIn());
      const url = `${await hook.listen()}/hook-path-with-its-own-token-abc123`;
      const f = await setUp({
        webhooks: [{ name: 'ops', url, headers: { Authorization: HEADER_SECRET } }],
        telegram: { chatId: 42, botToken: BOT_TOKEN, apiBaseUrl: 'http://127.0.0.1:9/' },
      });

      await f.raiser.raise(anAlert());
      const jobs = await f.jobs();
      expect(jobs.map((j) => j.data.receiver).sort()).toEqual(['telegram', 'webhook-ops']);
      const stored = await redisText(f.t.redis, f.t.prefix);
      expect(stored).toContain('risk breaker drawdown tripped');
      for (const secret of [BOT_TOKEN, HEADER_SECRET, 'hook-path-with-its-own-token-abc123'])
        expect(stored).not.toContain(secret);
    },
    scaled(30_000),
  );

  it('does nothing without a receiver', async () => {
    const f = await setUp({});
    expect(f.raiser.enabled).toBe(false);
    expect(await f.raiser.raise(anAlert())).toBe('off');
    expect(await f.jobs()).toHaveLength(0);
  });
});

/** Every value stored under the prefix, as one text (hashes, strings, lists, sets, sorted sets, streams). */
async function redisText(redis: Redis, prefix: string): Promise<string> {
  const keys = await redis.keys(`${prefix}:*`);
  const parts: string[] = [];
  for (const key of keys) {
    const type = await redis.type(key);
    if (type === 'hash') parts.push(JSON.stringify(await redis.hgetall(key)));
    else if (type === 'string') parts.push((await redis.get(key)) ?? '');
    else if (type === 'list') parts.push(JSON.stringify(await redis.lrange(key, 0, -1)));
    else if (type === 'set') parts.push(JSON.stringify(await redis.smembers(key)));
    else if (type === 'zset') parts.push(JSON.stringify(await redis.zrange(key, 0, -1)));
    else if (type === 'stream') parts.push(JSON.stringify(await redis.xrange(key, '-', '+')));
  }
  expect(parts.length).toBeGreaterThan(0);
  return parts.join('\n');
}
