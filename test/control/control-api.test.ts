import { gzipSync } from 'node:zlib';
import type { Redis } from 'ioredis';
import { afterEach, describe, expect } from 'vitest';
import { it } from '../support/fixtures.ts';
import { DashboardConfig } from '../../src/config/sections/dashboard-config.ts';
import { ControlPlane } from '../../src/control/control-plane.ts';
import { createControlRouter } from '../../src/control/control-router.ts';
import { startDashboard, type Dashboard } from '../../src/dashboard/start-dashboard.ts';
import { silentLogger } from '../../src/shared/logger.ts';
import { readStatus } from '../../src/status/read-status.ts';
import type { TestBus } from '../support/test-bus.ts';
import { bullConnection } from '../support/test-queues.ts';

const TOKEN = 'control-token-for-tests';
const PASSWORD = 'dashboard password';

const bearer = (token: string) => ({ authorization: `Bearer ${token}` });
const basic = (user: string, password: string) => ({
  authorization: `Basic ${Buffer.from(`${user}:${password}`).toString('base64')}`,
});

describe('the HTTP control API at /control', () => {
  let t: TestBus;
  let connection: Redis;
  let control: ControlPlane;
  const started: Dashboard[] = [];

  it.beforeEach(async ({ bus }) => {
    t = bus;
    connection = bullConnection(t.url);
    control = new ControlPlane({ redis: t.redis, keys: t.keys, connection, bus: t.bus, logger: silentLogger });
  });
  afterEach(async () => {
    for (const dashboard of started.splice(0)) await dashboard.close();
    connection.disconnect();
  });

  /** The dashboard as the dashboard role mounts it, on a port the OS picks. */
  async function start(options: {
    token: string;
    password?: string;
    onAuthFailure?: (address: string) => void;
  }): Promise<Dashboard> {
    const router = createControlRouter({
      control,
      token: options.token,
      status: () =>
        readStatus({
          redis: { redis: t.redis, keys: t.keys },
          database: { error: 'no database in this test' },
          account: 'paper',
          timeframe: '1h',
          nowMs: Date.now(),
          timeoutMs: 5_000,
        }),
      logger: silentLogger,
      onAuthFailure: options.onAuthFailure,
    });
    const config = { ...DashboardConfig.parse({ password: options.password ?? '' }), port: 0 };
    const dashboard = await startDashboard({
      config,
      connection,
      keys: t.keys,
      logger: silentLogger,
      routes: [{ path: '/control', router }],
    });
    started.push(dashboard);
    return dashboard;
  }

  async function call(
    dashboard: Dashboard,
    method: 'GET' | 'POST',
    path: string,
    headers: Record<string, string>,
    body?: unknown,
  ) {
    const res = await fetch(`${dashboard.url}${path}`, {
      method,
      headers: body === undefined ? headers : { ...headers, 'content-type': 'application/json' },
      body: body === undefined ? undefined : typeof body === 'string' ? body : JSON.stringify(body),
    });
    const text = await res.text();
    return {
      status: res.status,
      headers: res.headers,
      json: (text ? JSON.parse(text) : undefined) as Record<string, unknown>,
    };
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

  it('answers a missing, wrong or non-bearer credential with 401, reports its source address, and changes nothing', async () => {
    const refusedFrom: string[] = [];
    const dashboard = await start({ token: TOKEN, onAuthFailure: (address) => refusedFrom.push(address) });
    const attempts: Record<string, string>[] = [
      {},
      bearer('wrong'),
      bearer(`${TOKEN}x`),
      bearer(TOKEN.slice(0, -1)),
      { authorization: TOKEN },
      basic('admin', TOKEN),
    ];
    for (const headers of attempts) {
      const halt = await call(dashboard, 'POST', '/control/halt', headers);
      expect(halt.status, headers.authorization).toBe(401);
      expect(halt.headers.get('www-authenticate')).toBe('Bearer');
      expect((await call(dashboard, 'GET', '/control/status', headers)).status, headers.authorization).toBe(401);
    }
    // Every refusal, by address (to be logged like failed logins); the right token is none of them.
    expect(refusedFrom).toHaveLength(attempts.length * 2);
    expect(new Set(refusedFrom.map((a) => a.replace(/^::ffff:/, '')))).toEqual(new Set(['127.0.0.1']));
    await call(dashboard, 'GET', '/control/status', bearer(TOKEN));
    expect(refusedFrom).toHaveLength(attempts.length * 2);
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
    expect(status.json.redis).toMatchObject({
      available: true,
      control: { state: 'PAUSED', requestedBy: 'http', reason: 'api test' },
      degradation: { level: 'NORMAL' },
    });
    expect([...(status.json.redis as { control: { pausedQueues: string[] } }).control.pausedQueues].sort()).toEqual([
      'decision',
      'portfolio',
      'regime',
      'sentiment',
      'ta',
    ]);

    const halted = await call(dashboard, 'POST', '/control/halt', auth, { flatten: true });
    expect(halted.status).toBe(200);
    expect(halted.json).toMatchObject({ from: 'PAUSED', to: 'HALTED', stillInFlight: [] });
    expect(halted.json.pausedQueues).toEqual(expect.arrayContaining(['risk', 'execution']));
    expect(await control.current()).toMatchObject({
      state: 'HALTED',
      flatten: true,
      cancelOrders: false,
      requestedBy: 'http',
    });

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

  it('answers a body it cannot read (broken gzip, unsupported encoding or charset, not JSON, too large) with JSON and no stack, and applies nothing', async () => {
    const dashboard = await start({ token: TOKEN });
    const send = async (headers: Record<string, string>, body: Uint8Array | string) => {
      const res = await fetch(`${dashboard.url}/control/halt`, {
        method: 'POST',
        headers: { ...bearer(TOKEN), 'content-type': 'application/json', ...headers },
        body,
      });
      return { status: res.status, type: res.headers.get('content-type'), text: await res.text() };
    };
    const cases: { headers: Record<string, string>; body: string; status: number; error: string }[] = [
      {
        headers: { 'content-encoding': 'gzip' },
        body: 'definitely not gzip',
        status: 400,
        error: 'the body could not be decompressed: it does not match its Content-Encoding',
      },
      {
        headers: { 'content-encoding': 'br' },
        body: 'not brotli either',
        status: 400,
        error: 'the body could not be decompressed: it does not match its Content-Encoding',
      },
      {
        headers: { 'content-encoding': 'compress' },
        body: '{}',
        status: 415,
        error: 'unsupported Content-Encoding "compress": send the body uncompressed, or as gzip, deflate or br',
      },
      {
        headers: { 'content-type': 'application/json; charset=latin9' },
        body: '{}',
        status: 415,
        error: 'unsupported charset "latin9": send UTF-8',
      },
      { headers: {}, body: '{"reason": ', status: 400, error: 'the body is not valid JSON' },
      {
        headers: {},
        body: JSON.stringify({ reason: 'x'.repeat(9_000) }),
        status: 413,
        error: 'the body is too large (at most 8192 bytes)',
      },
      // Not declared as JSON (curl's default is a form): unread, the halt would go without its options.
      {
        headers: { 'content-type': 'application/x-www-form-urlencoded' },
        body: '{"flatten":true}',
        status: 415,
        error: 'send the body as JSON (Content-Type: application/json), not application/x-www-form-urlencoded',
      },
      {
        headers: { 'content-type': 'text/plain' },
        body: '{"flatten":true}',
        status: 415,
        error: 'send the body as JSON (Content-Type: application/json), not text/plain',
      },
      // The reason goes to the event log (PostgreSQL stores no NUL), alerts and the page.
      {
        headers: {},
        body: JSON.stringify({ reason: 'drill\u0000' }),
        status: 400,
        error: 'reason: must not contain control or bidirectional-override characters',
      },
      {
        headers: {},
        body: JSON.stringify({ reason: 'drill \u202eRTL' }),
        status: 400,
        error: 'reason: must not contain control or bidirectional-override characters',
      },
    ];
    for (const { headers, body, status, error } of cases) {
      const reply = await send(headers, body);
      const label = JSON.stringify(headers);
      expect(reply.status, label).toBe(status);
      expect(reply.type, label).toContain('application/json');
      expect(JSON.parse(reply.text), label).toEqual({ error });
    }
    expect((await control.current()).state).toBe('RUNNING');

    // A body that is gzip indeed is read as usual.
    const halted = await send({ 'content-encoding': 'gzip' }, gzipSync(JSON.stringify({ reason: 'gzipped' })));
    expect(halted.status).toBe(200);
    expect(await control.current()).toMatchObject({ state: 'HALTED', reason: 'gzipped' });
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
