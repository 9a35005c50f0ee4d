import { request } from 'node:http';
import { Queue } from 'bullmq';
import type { Redis } from 'ioredis';
import { afterEach, describe, expect } from 'vitest';
import { it } from '../support/fixtures.ts';
import { DashboardConfig } from '../../src/config/sections/dashboard-config.ts';
import { ControlPlane } from '../../src/control/control-plane.ts';
import { createControlRouter } from '../../src/control/control-router.ts';
import { startDashboard, type Dashboard } from '../../src/dashboard/start-dashboard.ts';
import { readStatus } from '../../src/status/read-status.ts';
import { captureLogger } from '../support/capture-logger.ts';
import type { TestBus } from '../support/test-bus.ts';
import { bullConnection } from '../support/test-queues.ts';

const PASSWORD = 'dashboard password';
const TOKEN = 'control-token-for-tests';
const BASIC = `Basic ${Buffer.from(`admin:${PASSWORD}`).toString('base64')}`;
const REFUSAL_LOG = 'dashboard refused a request addressed to a foreign host';

interface Reply {
  status: number;
  body: string;
}

/**
 * One request to the dashboard with the `Host` given (fetch always sends the URL's own, as a
 * browser does; a DNS-rebinding page gets its own name in there).
 */
function send(
  dashboard: Dashboard,
  options: { method: string; path: string; host?: string; headers?: Record<string, string> },
): Promise<Reply> {
  return new Promise((resolve, reject) => {
    const req = request(
      {
        host: '127.0.0.1',
        port: dashboard.port,
        method: options.method,
        path: options.path,
        headers: { host: options.host ?? `127.0.0.1:${dashboard.port}`, ...options.headers },
      },
      (res) => {
        let body = '';
        res.setEncoding('utf8');
        res.on('data', (chunk: string) => (body += chunk));
        res.on('end', () => resolve({ status: res.statusCode ?? 0, body }));
      },
    );
    req.on('error', reject);
    req.end();
  });
}

describe('the dashboard refuses changes addressed to a foreign host', () => {
  let t: TestBus;
  let connection: Redis;
  let control: ControlPlane;
  let log: ReturnType<typeof captureLogger>;
  let reconcile: Queue;
  const started: Dashboard[] = [];

  it.beforeEach(async ({ bus }) => {
    t = bus;
    connection = bullConnection(t.url);
    log = captureLogger();
    control = new ControlPlane({ redis: t.redis, keys: t.keys, connection, bus: t.bus, logger: log.logger });
    reconcile = new Queue('reconcile', { connection, prefix: t.keys.queuePrefix });
  });
  afterEach(async () => {
    for (const dashboard of started.splice(0)) await dashboard.close();
    await reconcile.close();
    connection.disconnect();
  });

  /** The dashboard as the dashboard role mounts it, with the control API at /control. */
  async function start(
    fields: { password?: string; host?: string; allowedHosts?: string[] } = { password: PASSWORD },
  ): Promise<Dashboard> {
    const router = createControlRouter({
      control,
      token: TOKEN,
      status: () =>
        readStatus({
          redis: { redis: t.redis, keys: t.keys },
          database: { error: 'no database in this test' },
          account: 'paper',
          timeframe: '1h',
          nowMs: Date.now(),
          timeoutMs: 5_000,
        }),
      logger: log.logger,
    });
    const config = { ...DashboardConfig.parse(fields), port: 0 };
    const dashboard = await startDashboard({
      config,
      connection,
      keys: t.keys,
      logger: log.logger,
      routes: [{ path: '/control', router }],
    });
    started.push(dashboard);
    return dashboard;
  }

  const pauseReconcile = (dashboard: Dashboard, extra: { host?: string; headers?: Record<string, string> } = {}) =>
    send(dashboard, {
      method: 'PUT',
      path: '/ui/api/queues/reconcile/pause',
      host: extra.host,
      headers: { authorization: BASIC, ...extra.headers },
    });
  const haltViaApi = (dashboard: Dashboard, extra: { host?: string; headers?: Record<string, string> } = {}) =>
    send(dashboard, {
      method: 'POST',
      path: '/control/halt',
      host: extra.host,
      headers: { authorization: `Bearer ${TOKEN}`, ...extra.headers },
    });

  it('refuses a board action and a control command whose Host is not this server (DNS rebinding), and changes nothing', async () => {
    const dashboard = await start();
    for (const host of [
      'rebind.attacker.example',
      `rebind.attacker.example:${dashboard.port}`,
      `127.0.0.1:${dashboard.port + 1}`,
      'localhost',
    ]) {
      const board = await pauseReconcile(dashboard, { host });
      expect(board.status, host).toBe(403);
      expect(JSON.parse(board.body).error, host).toContain('Host');
      expect((await haltViaApi(dashboard, { host })).status, host).toBe(403);
    }
    expect(await reconcile.isPaused()).toBe(false);
    expect((await control.current()).state).toBe('RUNNING');
    expect(log.warnings()).toContainEqual(
      expect.objectContaining({ msg: REFUSAL_LOG, refused: 'host', host: 'rebind.attacker.example' }),
    );
  });

  it('refuses a board action and a control command from a foreign Origin (cross-site), and changes nothing', async () => {
    const dashboard = await start();
    const origins = [
      'http://attacker.example',
      `http://attacker.example:${dashboard.port}`,
      `http://127.0.0.1:${dashboard.port + 1}`,
      'null',
      `ftp://127.0.0.1:${dashboard.port}`,
      `http://127.0.0.1:${dashboard.port}/path`,
    ];
    for (const origin of origins) {
      const board = await fetch(`${dashboard.url}/ui/api/queues/reconcile/pause`, {
        method: 'PUT',
        headers: { authorization: BASIC, origin },
      });
      expect(board.status, origin).toBe(403);
      expect(((await board.json()) as { error: string }).error, origin).toContain('Origin');
      const halt = await fetch(`${dashboard.url}/control/halt`, {
        method: 'POST',
        headers: { authorization: `Bearer ${TOKEN}`, origin },
      });
      expect(halt.status, origin).toBe(403);
    }
    expect(await reconcile.isPaused()).toBe(false);
    expect((await control.current()).state).toBe('RUNNING');
    expect(log.warnings()).toContainEqual(
      expect.objectContaining({ msg: REFUSAL_LOG, refused: 'origin', origin: 'http://attacker.example' }),
    );
  });

  it('passes a change addressed as 127.0.0.1, localhost or [::1] with the port, with or without a same-host Origin', async () => {
    const dashboard = await start();
    const port = dashboard.port;
    const ok = [
      { host: `127.0.0.1:${port}` },
      { host: `LOCALHOST:${port}`, headers: { origin: `http://localhost:${port}` } },
      { host: `[::1]:${port}`, headers: { origin: `https://[::1]:${port}` } },
      { host: `127.0.0.1:${port}`, headers: { origin: `http://127.0.0.1:${port}` } },
    ];
    for (const attempt of ok) {
      expect((await pauseReconcile(dashboard, attempt)).status, JSON.stringify(attempt)).toBe(200);
    }
    expect(await reconcile.isPaused()).toBe(true);
    const halt = await fetch(`${dashboard.url}/control/halt`, {
      method: 'POST',
      headers: { authorization: `Bearer ${TOKEN}`, origin: dashboard.url },
    });
    expect(halt.status).toBe(200);
    expect((await control.current()).state).toBe('HALTED');
  });

  it('passes a name from dashboard.allowedHosts, alone (a reverse proxy) or with the port', async () => {
    const dashboard = await start({
      password: PASSWORD,
      host: '0.0.0.0',
      allowedHosts: ['dash.example.com', 'tunnel.example:8443'],
    });
    const ok = [
      { host: 'dash.example.com', headers: { origin: 'https://dash.example.com' } },
      { host: `dash.example.com:${dashboard.port}` },
      { host: 'tunnel.example:8443', headers: { origin: 'http://tunnel.example:8443' } },
    ];
    for (const attempt of ok) expect((await pauseReconcile(dashboard, attempt)).status, attempt.host).toBe(200);
    for (const host of ['tunnel.example', 'tunnel.example:8444', 'evil.dash.example.com']) {
      expect((await pauseReconcile(dashboard, { host })).status, host).toBe(403);
    }
  });

  it('lets reads through whatever Host and Origin say: they change nothing', async () => {
    const dashboard = await start();
    const listing = await send(dashboard, {
      method: 'GET',
      path: '/ui/api/queues',
      host: 'rebind.attacker.example',
      headers: { authorization: BASIC, origin: 'http://attacker.example' },
    });
    expect(listing.status).toBe(200);
    expect((await send(dashboard, { method: 'GET', path: '/healthz', host: 'rebind.attacker.example' })).status).toBe(
      200,
    );
  });

  it('checks Host and Origin on the control API when there is no dashboard password too', async () => {
    const dashboard = await start({});
    expect((await haltViaApi(dashboard, { host: 'rebind.attacker.example' })).status).toBe(403);
    expect((await haltViaApi(dashboard, { headers: { origin: 'http://attacker.example' } })).status).toBe(403);
    expect((await control.current()).state).toBe('RUNNING');
    expect((await haltViaApi(dashboard)).status).toBe(200);
  });
});
