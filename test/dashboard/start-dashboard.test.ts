import { Queue } from 'bullmq';
import { Redis } from 'ioredis';
import { afterEach, describe, expect } from 'vitest';
import { it } from '../support/fixtures.ts';
import { DashboardConfig } from '../../src/config/sections/dashboard-config.ts';
import { BOARD_OFF_TEXT, startDashboard, type Dashboard } from '../../src/dashboard/start-dashboard.ts';
import { queueNames } from '../../src/queues/queue-names.ts';
import { captureLogger } from '../support/capture-logger.ts';
import { startOwnRedisServer, type OwnRedisServer } from '../support/own-redis-server.ts';
import { bullConnection } from '../support/test-queues.ts';
import type { TestRedis } from '../support/test-redis.ts';

const PASSWORD = 'correct:horse battery'; // a colon, so a naive split would cut it
const NO_PASSWORD_WARNING =
  'dashboard has no password (DASHBOARD_PASSWORD unset): Bull Board is off, listening on 127.0.0.1 only';

/** A config whose defaults pass the real parse; port 0 (the OS picks) only exists in tests. */
function dashboardConfig(fields: { password?: string; host?: string } = {}): DashboardConfig {
  return { ...DashboardConfig.parse(fields), port: 0 };
}

function basic(user: string, password: string): Record<string, string> {
  return { authorization: `Basic ${Buffer.from(`${user}:${password}`).toString('base64')}` };
}

interface QueueListing {
  queues: { name: string }[];
}

describe('startDashboard', () => {
  let t: TestRedis;
  let connection: Redis;
  let log: ReturnType<typeof captureLogger>;
  const started: Dashboard[] = [];

  it.beforeEach(async ({ redis }) => {
    t = redis;
    connection = bullConnection(t.url);
    log = captureLogger();
  });
  afterEach(async () => {
    for (const dashboard of started.splice(0)) await dashboard.close();
    connection.disconnect();
  });

  async function start(fields: { password?: string; host?: string }): Promise<Dashboard> {
    const dashboard = await startDashboard({
      config: dashboardConfig(fields),
      connection,
      keys: t.keys,
      logger: log.logger,
    });
    started.push(dashboard);
    return dashboard;
  }

  it('challenges a request to /ui without credentials with 401 and a Basic realm', async () => {
    const dashboard = await start({ password: PASSWORD });
    for (const path of ['/ui', '/ui/api/queues', '/anything-else']) {
      const res = await fetch(`${dashboard.url}${path}`);
      expect(res.status, path).toBe(401);
      expect(res.headers.get('www-authenticate'), path).toBe('Basic realm="triplegain"');
    }
  });

  it('refuses a queue action without credentials and leaves the queue alone', async () => {
    const dashboard = await start({ password: PASSWORD });
    const res = await fetch(`${dashboard.url}/ui/api/queues/risk/pause`, { method: 'PUT' });
    expect(res.status).toBe(401);
    const risk = new Queue('risk', { connection, prefix: t.keys.queuePrefix });
    try {
      expect(await risk.isPaused()).toBe(false);
    } finally {
      await risk.close();
    }
  });

  it('refuses a wrong password, a wrong user and another scheme', async () => {
    const dashboard = await start({ password: PASSWORD });
    const attempts: Record<string, string>[] = [
      basic('admin', 'wrong'),
      basic('admin', 'correct'), // the password up to its colon
      basic('someone', PASSWORD),
      basic('admin', ''),
      { authorization: `Bearer ${PASSWORD}` },
    ];
    for (const headers of attempts) {
      const res = await fetch(`${dashboard.url}/ui/api/queues`, { headers });
      expect(res.status, headers.authorization).toBe(401);
    }
  });

  it('serves Bull Board listing every queue to the right credentials', async () => {
    const dashboard = await start({ password: PASSWORD });
    const page = await fetch(`${dashboard.url}/ui`, { headers: basic('admin', PASSWORD) });
    expect(page.status).toBe(200);
    expect(page.headers.get('content-type')).toContain('text/html');

    const api = await fetch(`${dashboard.url}/ui/api/queues`, { headers: basic('admin', PASSWORD) });
    expect(api.status).toBe(200);
    const listing = (await api.json()) as QueueListing;
    expect(listing.queues.map((q) => q.name).sort()).toEqual([...queueNames].sort());
  });

  it('answers /healthz without credentials', async () => {
    const dashboard = await start({ password: PASSWORD });
    const res = await fetch(`${dashboard.url}/healthz`);
    expect(res.status).toBe(200);
    expect(await res.json()).toEqual({ status: 'ok' });
  });

  it('listens on config.host when a password is set, on the port the OS picked', async () => {
    const dashboard = await start({ password: PASSWORD, host: '0.0.0.0' });
    expect(dashboard.host).toBe('0.0.0.0');
    expect(dashboard.port).toBeGreaterThan(0);
    expect(dashboard.url).toBe(`http://127.0.0.1:${dashboard.port}`);
    expect((await fetch(`${dashboard.url}/healthz`)).status).toBe(200);
    expect(log.warnings().map((l) => l.msg)).not.toContain(NO_PASSWORD_WARNING);
  });

  it('without a password listens on 127.0.0.1 only, even when config.host is 0.0.0.0, and says so', async () => {
    const dashboard = await start({ host: '0.0.0.0' });
    expect(dashboard.host).toBe('127.0.0.1');
    expect(log.warnings().map((l) => l.msg)).toContain(NO_PASSWORD_WARNING);
  });

  it('without a password does not mount Bull Board: /ui answers 503 saying to set DASHBOARD_PASSWORD, /healthz answers', async () => {
    const dashboard = await start({});
    // Any local process could otherwise read and act on every queue: the loopback bind is no guard.
    for (const [method, path] of [
      ['GET', '/ui'],
      ['GET', '/ui/api/queues'],
      ['GET', '/ui/queue/risk'],
      ['PUT', '/ui/api/queues/risk/pause'],
      ['PUT', '/ui/api/queues/resume'],
    ] as const) {
      const res = await fetch(`${dashboard.url}${path}`, { method });
      expect(res.status, `${method} ${path}`).toBe(503);
      expect(await res.json(), `${method} ${path}`).toEqual({ error: BOARD_OFF_TEXT });
    }
    expect(BOARD_OFF_TEXT).toContain('set DASHBOARD_PASSWORD');
    const risk = new Queue('risk', { connection, prefix: t.keys.queuePrefix });
    try {
      expect(await risk.isPaused()).toBe(false);
    } finally {
      await risk.close();
    }
    const health = await fetch(`${dashboard.url}/healthz`);
    expect(health.status).toBe(200);
    expect(await health.json()).toEqual({ status: 'ok' });
  });

  it('never logs the password or the Authorization header', async () => {
    const dashboard = await start({ password: PASSWORD });
    await fetch(`${dashboard.url}/ui/api/queues`, { headers: basic('admin', PASSWORD) });
    await fetch(`${dashboard.url}/ui/api/queues`, { headers: basic('admin', 'wrong') });
    await dashboard.close();
    const text = log.text();
    expect(log.lines.length).toBeGreaterThan(0);
    expect(text).not.toContain(PASSWORD);
    expect(text).not.toContain(basic('admin', PASSWORD).authorization!.slice('Basic '.length));
  });

  it('reports 503 on /healthz once Redis stops answering', async () => {
    const server: OwnRedisServer = await startOwnRedisServer({ appendonly: false });
    const own = new Redis(server.url, { maxRetriesPerRequest: null });
    own.on('error', () => undefined);
    try {
      const dashboard = await startDashboard({
        config: dashboardConfig({ password: PASSWORD }),
        connection: own,
        keys: t.keys,
        logger: log.logger,
      });
      started.push(dashboard);
      expect((await fetch(`${dashboard.url}/healthz`)).status).toBe(200);
      await server.stop();
      const res = await fetch(`${dashboard.url}/healthz`);
      expect(res.status).toBe(503);
      expect(await res.json()).toEqual({ status: 'unavailable', redis: 'unreachable' });
      await dashboard.close();
    } finally {
      own.disconnect();
      await server.cleanup();
    }
  });
});
