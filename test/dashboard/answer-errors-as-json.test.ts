import express from 'express';
import type { Redis } from 'ioredis';
import { afterEach, describe, expect } from 'vitest';
import { it } from '../support/fixtures.ts';
import { DashboardConfig } from '../../src/config/sections/dashboard-config.ts';
import { startDashboard, type Dashboard } from '../../src/dashboard/start-dashboard.ts';
import { captureLogger } from '../support/capture-logger.ts';
import { bullConnection } from '../support/test-queues.ts';
import type { TestRedis } from '../support/test-redis.ts';

const PASSWORD = 'a dashboard password for tests';
const AUTH = { authorization: `Basic ${Buffer.from(`admin:${PASSWORD}`).toString('base64')}` };
const INTERNAL_DETAIL = 'connection string postgres://internal-host/db';

/** Routes that fail the way a handler can: a thrown error, a rejected promise, a body parser's error passed on. */
function failingRoutes(): express.Router {
  const router = express.Router();
  router.get('/throws', () => {
    throw new Error(INTERNAL_DETAIL);
  });
  router.get('/rejects', async () => {
    await Promise.resolve();
    throw new TypeError(INTERNAL_DETAIL);
  });
  router.post('/body', express.json(), (_req, res) => {
    res.json({ ok: true });
  });
  return router;
}

/** What an answer must never look like: Express's HTML error page or a stack frame. */
function expectJsonWithoutStack(reply: { type: string | null; text: string }, label: string) {
  expect(reply.type, label).toContain('application/json');
  expect(reply.text, label).not.toMatch(/<html|<pre>|\bat .+:\d+:\d+|node_modules/i);
}

describe('the dashboard answers every error as JSON without a stack', () => {
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

  async function start(password: string): Promise<Dashboard> {
    const config = { ...DashboardConfig.parse({ password, host: '127.0.0.1' }), port: 0 };
    const dashboard = await startDashboard({
      config,
      connection,
      keys: t.keys,
      logger: log.logger,
      routes: [{ path: '/test', router: failingRoutes() }],
    });
    started.push(dashboard);
    return dashboard;
  }

  async function send(
    dashboard: Dashboard,
    method: string,
    path: string,
    init: { headers?: Record<string, string>; body?: string } = {},
  ) {
    const res = await fetch(`${dashboard.url}${path}`, { method, headers: init.headers, body: init.body });
    return { status: res.status, type: res.headers.get('content-type'), text: await res.text() };
  }

  it('answers a route that does not exist with 404 JSON, with a password and without', async () => {
    for (const [password, headers] of [
      [PASSWORD, AUTH],
      ['', {}],
    ] as const) {
      const dashboard = await start(password);
      for (const [method, path] of [
        ['GET', '/nowhere'],
        ['POST', '/nowhere/else'],
        ['DELETE', '/healthz'],
      ] as const) {
        const reply = await send(dashboard, method, path, { headers });
        const label = `${password ? 'password' : 'none'} ${method} ${path}`;
        expect(reply.status, label).toBe(404);
        expectJsonWithoutStack(reply, label);
        expect(JSON.parse(reply.text), label).toEqual({ error: `no such route: ${method} ${path}` });
      }
    }
  });

  it('answers a failing handler with 500 `internal error`, and logs what failed without showing it to the caller', async () => {
    const dashboard = await start(PASSWORD);
    for (const path of ['/test/throws', '/test/rejects']) {
      const reply = await send(dashboard, 'GET', path);
      expect(reply.status, path).toBe(500);
      expectJsonWithoutStack(reply, path);
      expect(JSON.parse(reply.text), path).toEqual({ error: 'internal error' });
      expect(reply.text).not.toContain('postgres://');
    }
    expect(
      log.lines.filter((line) => line.msg === 'dashboard request failed').map((line) => [line.path, line.err]),
    ).toEqual([
      ['/test/throws', `Error: ${INTERNAL_DETAIL}`],
      ['/test/rejects', `TypeError: ${INTERNAL_DETAIL}`],
    ]);
  });

  it('answers a body that cannot be read with its 4xx as JSON: broken gzip, unsupported encoding, not JSON', async () => {
    const dashboard = await start(PASSWORD);
    const json = { 'content-type': 'application/json' };
    const cases = [
      { headers: { ...json, 'content-encoding': 'gzip' }, body: 'garbage, not gzip', status: 400 },
      { headers: { ...json, 'content-encoding': 'x-unknown' }, body: '{}', status: 415 },
      { headers: json, body: '{"unterminated": ', status: 400 },
    ];
    for (const { headers, body, status } of cases) {
      const label = JSON.stringify(headers);
      const reply = await send(dashboard, 'POST', '/test/body', { headers, body });
      expect(reply.status, label).toBe(status);
      expectJsonWithoutStack(reply, label);
      // Bull Board's own API parses bodies itself, and answers as JSON too.
      const board = await send(dashboard, 'PUT', '/ui/api/queues/reconcile/concurrency', {
        headers: { ...AUTH, ...headers },
        body,
      });
      expect(board.status, `board ${label}`).toBeGreaterThanOrEqual(400);
      expectJsonWithoutStack(board, `board ${label}`);
    }
  });
});
