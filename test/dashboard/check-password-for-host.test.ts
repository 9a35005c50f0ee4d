import type { Redis } from 'ioredis';
import { afterEach, describe, expect } from 'vitest';
import { it } from '../support/fixtures.ts';
import { ConfigError } from '../../src/config/config-error.ts';
import { DashboardConfig } from '../../src/config/sections/dashboard-config.ts';
import { isLoopbackHost } from '../../src/dashboard/check-password-for-host.ts';
import { startDashboard, type Dashboard } from '../../src/dashboard/start-dashboard.ts';
import { captureLogger } from '../support/capture-logger.ts';
import { bullConnection } from '../support/test-queues.ts';
import type { TestRedis } from '../support/test-redis.ts';

const FIFTEEN = 'fifteen-chars!!';
const SIXTEEN = 'sixteen-chars!!!';

describe('the dashboard refuses a short password off loopback', () => {
  let t: TestRedis;
  let connection: Redis;
  const started: Dashboard[] = [];

  it.beforeEach(async ({ redis }) => {
    t = redis;
    connection = bullConnection(t.url);
  });
  afterEach(async () => {
    for (const dashboard of started.splice(0)) await dashboard.close();
    connection.disconnect();
  });

  async function start(fields: { host: string; password: string }) {
    const log = captureLogger();
    const dashboard = await startDashboard({
      config: { ...DashboardConfig.parse(fields), port: 0 },
      connection,
      keys: t.keys,
      logger: log.logger,
    });
    started.push(dashboard);
    return { dashboard, log };
  }

  it('refuses to start on 0.0.0.0 or another address with a password under 16 characters, naming DASHBOARD_PASSWORD and the host, never the password', async () => {
    expect(FIFTEEN).toHaveLength(15);
    const attempts: [host: string, password: string][] = [
      ['0.0.0.0', FIFTEEN],
      ['0.0.0.0', 'x'],
      ['::', 'tiny-pw'],
      ['dash.example.com', FIFTEEN],
      // Sixteen UTF-16 units, eight characters: counted as characters.
      ['0.0.0.0', '🔑🔑🔑🔑🔑🔑🔑🔑'],
    ];
    for (const [host, password] of attempts) {
      const attempt = start({ host, password });
      await expect(attempt, host).rejects.toBeInstanceOf(ConfigError);
      const error = (await attempt.catch((err: unknown) => err)) as ConfigError;
      expect(error.violations, host).toHaveLength(1);
      expect(error.violations[0]!.path).toBe('dashboard.password');
      expect(error.message).toContain('DASHBOARD_PASSWORD is shorter than 16 characters');
      expect(error.message).toContain(`listens on ${host}, which is not loopback`);
      expect(error.message).not.toContain(password);
    }
    expect(started).toHaveLength(0);
  });

  it('starts on 0.0.0.0 with a password of 16 characters', async () => {
    const { dashboard } = await start({ host: '0.0.0.0', password: SIXTEEN });
    expect(dashboard.host).toBe('0.0.0.0');
    expect((await fetch(`${dashboard.url}/healthz`)).status).toBe(200);
  });

  it('allows a short password, or none, on loopback', async () => {
    const short = await start({ host: '127.0.0.1', password: 'x' });
    expect(short.dashboard.host).toBe('127.0.0.1');
    const auth = { authorization: `Basic ${Buffer.from('admin:x').toString('base64')}` };
    expect((await fetch(`${short.dashboard.url}/ui/api/queues`, { headers: auth })).status).toBe(200);
    // No password binds loopback whatever the host says, and is allowed.
    expect((await start({ host: '0.0.0.0', password: '' })).dashboard.host).toBe('127.0.0.1');
  });
});

describe('isLoopbackHost', () => {
  it('knows loopback names and addresses from the others', () => {
    for (const host of ['127.0.0.1', '127.8.9.10', 'localhost', 'LOCALHOST', '::1', '[::1]', '::ffff:127.0.0.1'])
      expect(isLoopbackHost(host), host).toBe(true);
    for (const host of [
      '0.0.0.0',
      '::',
      '10.0.0.5',
      '192.168.1.2',
      '::ffff:10.0.0.1',
      'dash.example.com',
      '127.example.com',
      '1270.0.0.1',
    ])
      expect(isLoopbackHost(host), host).toBe(false);
  });
});
