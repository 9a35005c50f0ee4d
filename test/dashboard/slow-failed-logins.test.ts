import { request } from 'node:http';
import type { Redis } from 'ioredis';
import { afterEach, describe, expect, vi } from 'vitest';
import { it } from '../support/fixtures.ts';
import { DashboardConfig } from '../../src/config/sections/dashboard-config.ts';
import { FAILED_LOGIN_MESSAGE, failedLoginLog } from '../../src/dashboard/failed-login-log.ts';
import { FAILED_LOGIN_DELAY_STEP_MS, FREE_FAILED_LOGINS } from '../../src/dashboard/slow-failed-logins.ts';
import { startDashboard, type Dashboard } from '../../src/dashboard/start-dashboard.ts';
import { captureLogger } from '../support/capture-logger.ts';
import { bullConnection } from '../support/test-queues.ts';
import type { TestRedis } from '../support/test-redis.ts';
import { scaled } from '../support/test-timing.ts';

const PASSWORD = 'a dashboard password for tests';
const basic = (password: string) => ({ authorization: `Basic ${Buffer.from(`admin:${password}`).toString('base64')}` });

/** GET `path` from the source address `from` (any 127/8 address reaches a 127.0.0.1 server): status and time taken. */
function get(
  dashboard: Dashboard,
  path: string,
  headers: Record<string, string>,
  from = '127.0.0.1',
): Promise<{ status: number; ms: number }> {
  const startedMs = performance.now();
  return new Promise((resolve, reject) => {
    const req = request({ host: '127.0.0.1', port: dashboard.port, path, headers, localAddress: from }, (res) => {
      res.resume();
      res.on('end', () => resolve({ status: res.statusCode ?? 0, ms: performance.now() - startedMs }));
    });
    req.on('error', reject);
    req.end();
  });
}

describe('failed dashboard logins', () => {
  let t: TestRedis;
  let connection: Redis;
  let dashboard: Dashboard;
  let log: ReturnType<typeof captureLogger>;

  it.beforeEach(async ({ redis }) => {
    t = redis;
    connection = bullConnection(t.url);
    log = captureLogger();
    dashboard = await startDashboard({
      config: { ...DashboardConfig.parse({ password: PASSWORD, host: '127.0.0.1' }), port: 0 },
      connection,
      keys: t.keys,
      logger: log.logger,
    });
  });
  afterEach(async () => {
    await dashboard.close();
    connection.disconnect();
  });

  const failures = () => log.lines.filter((line) => line.msg === FAILED_LOGIN_MESSAGE);

  it(
    'are slowed per source address past the free ones, while a right password and other addresses are not',
    { timeout: scaled(30_000) },
    async () => {
      // A browser's first request carries no credentials: not a failed login, neither slowed nor logged.
      for (let i = 0; i < 10; i++) expect((await get(dashboard, '/ui/api/queues', {})).status).toBe(401);
      expect(failures()).toEqual([]);

      for (let i = 0; i < FREE_FAILED_LOGINS; i++) {
        const attempt = await get(dashboard, '/ui/api/queues', basic(`wrong ${i}`));
        expect(attempt.status).toBe(401);
      }
      const sixth = await get(dashboard, '/ui/api/queues', basic('wrong 6'));
      const seventh = await get(dashboard, '/ui/api/queues', basic('wrong 7'));
      expect(sixth.status).toBe(401);
      expect(sixth.ms).toBeGreaterThanOrEqual(FAILED_LOGIN_DELAY_STEP_MS - 50);
      expect(seventh.status).toBe(401);
      expect(seventh.ms).toBeGreaterThanOrEqual(2 * FAILED_LOGIN_DELAY_STEP_MS - 50);

      // The next failure from here would be held 3 s; the right password is not held at all.
      const right = await get(dashboard, '/ui/api/queues', basic(PASSWORD));
      expect(right.status).toBe(200);
      expect(right.ms).toBeLessThan(FAILED_LOGIN_DELAY_STEP_MS);
      // Another address has its own count.
      const elsewhere = await get(dashboard, '/ui/api/queues', basic('wrong'), '127.0.0.2');
      expect(elsewhere.status).toBe(401);
      expect(elsewhere.ms).toBeLessThan(FAILED_LOGIN_DELAY_STEP_MS);
    },
  );

  it('are logged with the source address, once per address and minute with a count, never with the password tried', async () => {
    for (let i = 0; i < 4; i++) await get(dashboard, '/ui', basic(`guess-${i}`));
    await get(dashboard, '/ui', basic('guess-x'), '127.0.0.2');
    await get(dashboard, '/ui', basic(PASSWORD));

    expect(failures().map(({ address, failures: count, level }) => ({ address, count, level }))).toEqual([
      { address: '127.0.0.1', count: 1, level: 40 },
      { address: '127.0.0.2', count: 1, level: 40 },
    ]);
    // The three after the first are counted, and logged as one line when the minute ends (or at close).
    await dashboard.close();
    expect(failures().slice(2)).toEqual([
      expect.objectContaining({ address: '127.0.0.1', failures: 3, intervalMs: 60_000 }),
    ]);
    expect(log.text()).not.toContain('guess-');
    expect(log.text()).not.toContain(Buffer.from('admin:guess-0').toString('base64'));
  });

  it(
    'held back are dropped when the dashboard closes, rather than holding its shutdown',
    { timeout: scaled(30_000) },
    async () => {
      let answered = 0;
      const attempts = Array.from({ length: FREE_FAILED_LOGINS + 3 }, () =>
        get(dashboard, '/ui', basic('wrong')).then(
          () => {
            answered += 1;
            return 'answered';
          },
          () => 'dropped',
        ),
      );
      // The free ones are answered at once; the three after them are held 1, 2 and 3 s.
      await vi.waitFor(() => expect(answered).toBe(FREE_FAILED_LOGINS), { timeout: scaled(5_000) });
      // A close that waited for them would see them answered after their 1, 2 and 3 s; dropped,
      // they never are. (How long the close takes is not measured: on a loaded machine closing
      // the board's queues alone can take seconds.)
      await dashboard.close();
      expect((await Promise.all(attempts)).filter((outcome) => outcome === 'dropped').length).toBeGreaterThanOrEqual(2);
    },
  );
});

describe('failedLoginLog', () => {
  afterEach(() => {
    vi.useRealTimers();
  });

  it('logs the first failure of an address at once and the rest as one line per interval, then starts afresh', () => {
    vi.useFakeTimers();
    const log = captureLogger();
    const failed = failedLoginLog({ logger: log.logger, intervalMs: 60_000 });
    for (let i = 0; i < 300; i++) failed.record('198.51.100.7');
    failed.record('203.0.113.9');
    expect(log.lines.map((l) => [l.address, l.failures])).toEqual([
      ['198.51.100.7', 1],
      ['203.0.113.9', 1],
    ]);

    vi.advanceTimersByTime(60_000);
    expect(log.lines.slice(2).map((l) => [l.address, l.failures, l.intervalMs])).toEqual([
      ['198.51.100.7', 299, 60_000],
    ]);

    for (let i = 0; i < 5; i++) failed.record('198.51.100.7');
    expect(log.lines).toHaveLength(3);
    vi.advanceTimersByTime(60_000);
    expect(log.lines.slice(3).map((l) => [l.address, l.failures])).toEqual([['198.51.100.7', 5]]);

    // A quiet interval ends the address's run: its next failure is logged at once again.
    vi.advanceTimersByTime(120_000);
    failed.record('198.51.100.7');
    expect(log.lines.slice(4).map((l) => [l.address, l.failures])).toEqual([['198.51.100.7', 1]]);
    failed.close();
    expect(log.lines).toHaveLength(5);
    expect(vi.getTimerCount()).toBe(0);
  });
});
