import type { Redis } from 'ioredis';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { DashboardConfig } from '../../src/config/sections/dashboard-config.ts';
import { ControlPlane } from '../../src/control/control-plane.ts';
import { createControlRouter } from '../../src/control/control-router.ts';
import { startDashboard, type Dashboard } from '../../src/dashboard/start-dashboard.ts';
import { silentLogger } from '../../src/shared/logger.ts';
import { readStatus } from '../../src/status/read-status.ts';
import { createTestBus, type TestBus } from '../support/test-bus.ts';
import { bullConnection } from '../support/test-queues.ts';

const TOKEN = 'control-token-for-tests';
const PASSWORD = 'dashboard password';

const bearer = (token: string) => ({ authorization: `Bearer ${token}` });
const basic = (user: string, password: string) => ({ authorization: `Basic ${Buffer.from(`${user}:${password}`).toString('base64')}` });

describe('the HTTP control API at /control', () => {
  let t: TestBus;
  let connection: Redis;
  let control: ControlPlane;
  const started: Dashboard[] = [];

  beforeEach(async () => {
    t = await createTestBus();
    connection = bullConnection(t.url);
    control = new ControlPlane({ redis: t.redis, keys: t.keys, connection, bus: t.bus, logger: silentLogger });
  });
  afterEach(async () => {
    for (const dashboard of started.splice(0)) await dashboard.close();
    connection.disconnect();
    await t.cleanup();
  });

  /** The dashboard as the dashboard role mounts it, on a port the OS picks. */
  async function start(options: { token: string; password?: string }): Promise<Dashboard> {
    const router = createControlRouter({ control, token: options.token, status: () => readStatus({ redis: { redis: t.redis, keys: t.keys }, database: { error: 'no database in this test' }, account: 'paper', timeframe: '1h', nowMs: Date.now(), timeoutMs: 5_000 }), logger: silentLogger });
    const config = { ...DashboardConfig.parse({ password: options.password ?? '' }), port: 0 };
    const dashboard = await startDashboard({ config, connection, keys: t.keys, logger: silentLogger, routes: [{ path: '/control', router }] });
    started.push(dashboard);
    return dashboard;
  }

  async function call(dashboard: Dashboard, method: 'GET' | 'POST', path: string, headers: Record<string, string>, body?: unknown) {
    const res = await fetch(`${dashboard.url}${path}`, {
      method,
      headers: body === undefined ? headers : { ...headers, 'content-type': 'application/json' },
      body: body === undefined ? undefined : typeof body === 'string' ? body : JSON.stringify(body),
    });
    const text = await res.text();
    return { status: res.status, headers: res.headers, json: (text ? JSON.parse(text) : undefined) as Record<string, unknown> };
  }

  it('refuses every call with 403 while no token is configured, even one bearing a token', async () => {
    const dashboard = await start({ token: '' });
    for (const headers of [{}, bearer(''), bearer(TOKEN)]) {
      const status = await call(dashboard, 'GET', '/control/status', headers);
      expect(status.status).toBe(403);
      expect(String(status.json.error)).toContain('CONTROL_API_TOKEN');
      for (const command of ['pause', 'halt', 'resume', 'reset']) {
        expect((await call(dashboard, 'POST', `/control/${command}`, headers)).status, command).toBe(403);
      }
    }
    expect((await control.current()).state).toBe('RUNNING');
  });

  it('answers a missing, wrong or non-bearer credential with 401 and changes nothing', async () => {
    const dashboard = await start({ token: TOKEN });
    const attempts: Record<string, string>[] = [{}, bearer('wrong'), bearer(`${TOKEN}x`), bearer(TOKEN.slice(0, -1)), { authorization: TOKEN }, basic('admin', TOKEN)];
    for (const headers of attempts) {
      const halt = await call(dashboard, 'POST', '/control/halt', headers);
      expect(halt.status, headers.authorization).toBe(401);
      expect(halt.headers.get('www-authenticate')).toBe('Bearer');
      expect((await call(dashboard, 'GET', '/control/status', headers)).status, headers.authorization).toBe(401);
    }
    expect((await control.current()).state).toBe('RUNNING');
  });

  it('with the right token pauses, reports status, halts, refuses resume while halted, and rejects unknown commands and bad bodies', async () => {
    const dashboard = await start({ token: TOKEN });
    const auth = bearer(TOKEN);

    const paused = await call(dashboard, 'POST', '/control/pause', auth, { reason: 'api test' });
    expect(paused.status).toBe(200);
    expect(paused.json).toMatchObject({ from: 'RUNNING', to: 'PAUSED', version: 1 });

    const status = await call(dashboard, 'GET', '/control/status', auth);
    expect(status.status).toBe(200);
    expect(status.json.redis).toMatchObject({ available: true, control: { state: 'PAUSED', requestedBy: 'http', reason: 'api test' }, degradation: { level: 'NORMAL' } });
    expect([...(status.json.redis as { control: { pausedQueues: string[] } }).control.pausedQueues].sort()).toEqual(['decision', 'portfolio', 'regime', 'sentiment', 'ta']);

    const halted = await call(dashboard, 'POST', '/control/halt', auth, { flatten: true });
    expect(halted.status).toBe(200);
    expect(halted.json).toMatchObject({ from: 'PAUSED', to: 'HALTED', stillInFlight: [] });
    expect(halted.json.pausedQueues).toEqual(expect.arrayContaining(['risk', 'execution']));
    expect(await control.current()).toMatchObject({ state: 'HALTED', flatten: true, cancelOrders: false, requestedBy: 'http' });

    const resumed = await call(dashboard, 'POST', '/control/resume', auth);
    expect(resumed.status).toBe(409);
    expect(String(resumed.json.error)).toMatch(/reset/);
    expect((await control.current()).state).toBe('HALTED');

    const unknown = await call(dashboard, 'POST', '/control/explode', auth);
    expect(unknown.status).toBe(404);
    expect(String(unknown.json.error)).toContain('pause, resume, halt, reset');

    const malformed = await call(dashboard, 'POST', '/control/reset', auth, { flatten: 'yes' });
    expect(malformed.status).toBe(400);
    expect(String(malformed.json.error)).toMatch(/^flatten: /);
    const extra = await call(dashboard, 'POST', '/control/reset', auth, { flaten: true });
    expect(extra.status).toBe(400);
    expect(String(extra.json.error)).toContain('flaten');
    // Neither bad body was applied: the cluster is still halted, at the halt's version.
    expect(await control.current()).toMatchObject({ state: 'HALTED', version: 2, resets: 0 });

    const reset = await call(dashboard, 'POST', '/control/reset', auth, {});
    expect(reset.json).toMatchObject({ from: 'HALTED', to: 'PAUSED' });
  });

  it('takes the bearer token even when the dashboard has a Basic-auth password, while Bull Board still demands Basic auth', async () => {
    const dashboard = await start({ token: TOKEN, password: PASSWORD });

    const paused = await call(dashboard, 'POST', '/control/pause', bearer(TOKEN));
    expect(paused.status).toBe(200);
    expect(paused.json).toMatchObject({ from: 'RUNNING', to: 'PAUSED' });
    expect((await call(dashboard, 'GET', '/control/status', bearer(TOKEN))).status).toBe(200);
    // The Basic credentials are not a way into the control API.
    expect((await call(dashboard, 'GET', '/control/status', basic('admin', PASSWORD))).status).toBe(401);

    for (const headers of [{}, bearer(TOKEN)] as Record<string, string>[]) {
      const board = await fetch(`${dashboard.url}/ui/api/queues`, { headers });
      expect(board.status, headers.authorization).toBe(401);
      expect(board.headers.get('www-authenticate')).toBe('Basic realm="triplegain"');
    }
    expect((await fetch(`${dashboard.url}/ui/api/queues`, { headers: basic('admin', PASSWORD) })).status).toBe(200);
  });
});
