import { appRoutes } from '@bull-board/api/dist/routes.js';
import { Queue, Worker } from 'bullmq';
import type { Redis } from 'ioredis';
import { afterEach, describe, expect } from 'vitest';
import { it } from '../support/fixtures.ts';
import { DashboardConfig } from '../../src/config/sections/dashboard-config.ts';
import { managedQueues, queuesPausedIn } from '../../src/control/managed-queues.ts';
import { startDashboard, type Dashboard } from '../../src/dashboard/start-dashboard.ts';
import type { QueueName } from '../../src/queues/queue-names.ts';
import { captureLogger } from '../support/capture-logger.ts';
import { bullConnection } from '../support/test-queues.ts';
import type { TestRedis } from '../support/test-redis.ts';
import { waitFor } from '../support/wait-for.ts';

const PASSWORD = 'dashboard password';
const AUTH = { authorization: `Basic ${Buffer.from(`admin:${PASSWORD}`).toString('base64')}` };
const REFUSAL_LOG = 'dashboard refused a change to a queue the control plane manages';

/** Every non-GET API route of the installed Bull Board, one row per method and path. */
const boardWrites = appRoutes.api.flatMap((route) =>
  (Array.isArray(route.method) ? route.method : [route.method])
    .filter((m) => m !== 'get')
    .flatMap((method) =>
      (Array.isArray(route.route) ? route.route : [route.route]).map((path) => ({
        method: method.toUpperCase(),
        path,
      })),
    ),
);

/** `/api/queues/:queueName/clean/:queueStatus` → `/ui/api/queues/execution/clean/failed`. */
function boardPath(pattern: string, params: Record<string, string>): string {
  return `/ui${pattern.replace(/:(\w+)/g, (_m, name: string) => encodeURIComponent(params[name] ?? 'x'))}`;
}

describe('Bull Board and the kill switch', () => {
  let t: TestRedis;
  let connection: Redis;
  let log: ReturnType<typeof captureLogger>;
  let dashboard: Dashboard;
  const opened: Queue[] = [];

  it.beforeEach(async ({ redis }) => {
    t = redis;
    connection = bullConnection(t.url);
    log = captureLogger();
    dashboard = await startDashboard({
      config: { ...DashboardConfig.parse({ password: PASSWORD }), port: 0 },
      connection,
      keys: t.keys,
      logger: log.logger,
    });
  });
  afterEach(async () => {
    await dashboard.close();
    await Promise.all(opened.splice(0).map((queue) => queue.close()));
    connection.disconnect();
  });

  function queue(name: string): Queue {
    const q = new Queue(name, { connection, prefix: t.keys.queuePrefix });
    opened.push(q);
    return q;
  }

  /** What the control plane's `halt` does to the queues. */
  async function haltQueues(): Promise<void> {
    for (const name of queuesPausedIn('HALTED')) await queue(name).pause();
  }

  async function pausedManagedQueues(): Promise<string[]> {
    const paused: string[] = [];
    for (const name of managedQueues) if (await queue(name).isPaused()) paused.push(name);
    return paused;
  }

  async function send(method: string, path: string, body?: unknown) {
    const res = await fetch(`${dashboard.url}${path}`, {
      method,
      headers: body === undefined ? AUTH : { ...AUTH, 'content-type': 'application/json' },
      body: body === undefined ? undefined : JSON.stringify(body),
    });
    const text = await res.text();
    return { status: res.status, body: (text ? JSON.parse(text) : undefined) as { error?: unknown } | undefined };
  }

  it('refuses a board resume of a halted cluster, for all queues and per queue, and every managed queue stays paused', async () => {
    await haltQueues();

    const all = await send('PUT', '/ui/api/queues/resume');
    expect(all.status).toBe(403);
    expect(all.body?.error).toContain('the kill switch owns pause/resume; use `triplegain resume`');
    for (const name of managedQueues) {
      const one = await send('PUT', `/ui/api/queues/${name}/resume`);
      expect(one.status, name).toBe(403);
      expect(String(one.body?.error), name).toContain(`resume "${name}"`);
    }
    // Spellings the board's router accepts too: other case, trailing slash, percent-encoding.
    for (const path of [
      '/UI/Api/Queues/execution/Resume/',
      '/ui/api/queues/%65xecution/resume',
      '/ui/api/queues/resume/',
    ]) {
      expect((await send('PUT', path)).status, path).toBe(403);
    }

    expect(await pausedManagedQueues()).toEqual([...managedQueues]);
    const refusals = log.warnings().filter((l) => l.msg === REFUSAL_LOG);
    expect(refusals.length).toBeGreaterThan(managedQueues.length);
    expect(refusals).toContainEqual(expect.objectContaining({ queue: 'execution', action: 'resume' }));
  });

  it('refuses a board pause of a managed queue and pause all: pausing is the control plane’s', async () => {
    expect((await send('PUT', '/ui/api/queues/risk/pause')).status).toBe(403);
    expect((await send('PUT', '/ui/api/queues/pause')).status).toBe(403);
    expect(await pausedManagedQueues()).toEqual([]);
    expect(await queue('positions').isPaused()).toBe(false);
  });

  it('refuses emptying, cleaning, obliterating and removing a scheduler of a managed queue, and leaves their jobs in place', async () => {
    await haltQueues();
    const execution = queue('execution');
    await execution.add('submit', { n: 1 });
    await queue('ta').upsertJobScheduler('ta:tick', { every: 60_000 }, { name: 'tick', data: {} });

    const attempts: [string, unknown?][] = [
      ['/ui/api/queues/execution/empty'],
      ['/ui/api/queues/execution/clean/paused'],
      ['/ui/api/queues/execution/clean/waiting'],
      ['/ui/api/queues/execution/obliterate', { force: true }],
      ['/ui/api/queues/ta/obliterate', { force: true }],
      ['/ui/api/queues/ta/job-schedulers/ta%3Atick/remove'],
    ];
    for (const [path, body] of attempts) {
      const res = await send('PUT', path, body);
      expect(res.status, path).toBe(403);
      expect(String(res.body?.error), path).toContain('triplegain resume');
    }

    expect(await execution.getJobCountByTypes('paused', 'wait')).toBe(1);
    expect((await queue('ta').getJobSchedulers()).map((s) => s.key)).toEqual(['ta:tick']);
    expect(await pausedManagedQueues()).toEqual([...managedQueues]);
  });

  it('refuses every queue-level write route the installed Bull Board has, on every managed queue', async () => {
    const queueWrites = boardWrites.filter((route) => !route.path.includes(':jobId'));
    expect(queueWrites.length).toBeGreaterThanOrEqual(16);
    for (const name of managedQueues) {
      for (const route of queueWrites) {
        const path = boardPath(route.path, { queueName: name, queueStatus: 'failed', schedulerId: 'tick' });
        expect((await send(route.method, path, {})).status, `${route.method} ${path}`).toBe(403);
      }
    }
  });

  it('answers every job action on a managed queue 405 read-only, so no job is added, retried or rewritten', async () => {
    const jobWrites = boardWrites.filter((route) => route.path.includes(':jobId'));
    expect(jobWrites.length).toBeGreaterThanOrEqual(7);
    const job = await queue('execution').add('submit', { n: 1 });
    for (const route of jobWrites) {
      const path = boardPath(route.path, { queueName: 'execution', jobId: job.id ?? '' });
      expect(
        (await send(route.method, path, { jobData: { n: 2 }, runAt: Date.now() + 60_000, priority: 1 })).status,
        `${route.method} ${path}`,
      ).toBe(405);
    }
    expect((await queue('execution').getJob(job.id ?? ''))?.data).toEqual({ n: 1 });
  });

  it('does not retry a failed execution job, while a failed job of a queue the control plane leaves alone can be retried', async () => {
    const failed = async (name: QueueName) => {
      const worker = new Worker(
        name,
        () => {
          throw new Error('exchange timed out');
        },
        { connection, prefix: t.keys.queuePrefix },
      );
      worker.on('error', () => undefined);
      try {
        const job = await queue(name).add('run', {}, { attempts: 1 });
        await waitFor(async () => (await job.getState()) === 'failed' || undefined, `${name} job failed`);
        return job;
      } finally {
        await worker.close();
      }
    };

    const execution = await failed('execution');
    expect((await send('PUT', `/ui/api/queues/execution/${execution.id}/retry`)).status).toBe(405);
    expect((await send('PUT', '/ui/api/queues/execution/retry/failed')).status).toBe(403);
    expect(await execution.getState()).toBe('failed');

    const reconcile = await failed('reconcile');
    expect((await send('PUT', `/ui/api/queues/reconcile/${reconcile.id}/retry`)).status).toBe(204);
    expect(await reconcile.getState()).not.toBe('failed');
  });

  it('keeps queue actions on queues the control plane leaves alone', async () => {
    expect((await send('PUT', '/ui/api/queues/reconcile/pause')).status).toBe(200);
    expect(await queue('reconcile').isPaused()).toBe(true);
    expect((await send('PUT', '/ui/api/queues/reconcile/resume')).status).toBe(200);
    expect(await queue('reconcile').isPaused()).toBe(false);
  });

  it('still serves every read to the right credentials, managed queues shown read-only', async () => {
    await haltQueues();
    const job = await queue('execution').add('submit', { n: 1 });

    const listing = await send('GET', '/ui/api/queues');
    expect(listing.status).toBe(200);
    const queues = (listing.body as unknown as { queues: { name: string; readOnlyMode: boolean; isPaused: boolean }[] })
      .queues;
    expect(
      queues
        .filter((q) => q.readOnlyMode)
        .map((q) => q.name)
        .sort(),
    ).toEqual([...managedQueues].sort());
    expect(queues.find((q) => q.name === 'execution')?.isPaused).toBe(true);

    for (const path of [
      '/ui',
      '/ui/queue/execution',
      '/ui/api/job-schedulers',
      `/ui/api/queues/execution/${job.id}`,
      `/ui/api/queues/execution/${job.id}/logs`,
      '/ui/api/queues/execution/workers',
    ]) {
      const res = await fetch(`${dashboard.url}${path}`, { headers: AUTH });
      expect(res.status, path).toBe(200);
    }
  });
});
