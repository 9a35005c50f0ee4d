import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, describe, expect } from 'vitest';
import { it } from '../support/fixtures.ts';
import { Bus } from '../../src/bus/bus.ts';
import { openDatabase } from '../../src/db/open-database.ts';
import { systemEvents } from '../../src/db/schema/system-events.ts';
import { runCli } from '../support/run-cli.ts';
import { spawnTs, type TsProcess } from '../support/spawn-ts.ts';
import type { TestRedis } from '../support/test-redis.ts';
import { waitFor } from '../support/wait-for.ts';
import { findFreePort } from '../../src/redis/free-port.ts';
import { scaled } from '../support/test-timing.ts';

describe('triplegain start', () => {
  let t: TestRedis;
  let dataDir: string;
  let proc: TsProcess | undefined;
  it.beforeEach(async ({ redis }) => {
    t = redis;
    dataDir = await mkdtemp(join(tmpdir(), 'tgtest-start-'));
  });
  afterEach(async () => {
    proc?.child.kill('SIGKILL');
    await rm(dataDir, { recursive: true, force: true });
  });

  it(
    'migrates, records system events in the database, and stops cleanly on SIGTERM',
    async () => {
      const env = {
        REDIS_URL: t.url,
        DATABASE_URL: '',
        TRIPLEGAIN__REDIS__KEY_PREFIX: t.prefix,
        TRIPLEGAIN__DATABASE__PGLITE_DIR: join(dataDir, 'pglite'),
        TRIPLEGAIN__DASHBOARD__PORT: String(await findFreePort()),
      };
      proc = spawnTs('bin/triplegain.mjs', env, ['start']);
      await proc.waitForOutput('triplegain started', scaled(60_000));

      // An alert from another process reaches the event log of the running one.
      const bus = new Bus({ redis: t.redis, keys: t.keys, service: 'test' });
      await bus.publish('system.alert_raised', {
        severity: 'warning',
        code: 'test.from_outside',
        message: 'hello',
        details: { n: 1 },
      });
      // Both events recorded (others may come too: offline, the Kraken runs fail and degrade the level).
      const handled = async () =>
        (await bus.stats('system_events')).groups.find((g) => g.name === 'event-log')?.handled ?? 0;
      const published = async () =>
        (await t.redis.xlen(t.keys.busStream('system_events'))) +
        (await t.redis.xlen(t.keys.busUrgentStream('system_events')));
      await waitFor(
        async () => (await handled()) >= 2 && (await handled()) >= (await published()),
        'every event recorded',
        scaled(20_000),
      );

      proc.child.kill('SIGTERM');
      expect(await proc.exited).toBe(0);
      expect(proc.output()).toContain('stopped');

      const database = await openDatabase({ pgliteDir: join(dataDir, 'pglite') });
      try {
        const rows = await database.db.select().from(systemEvents);
        expect(rows.map((r) => r.type)).toEqual(expect.arrayContaining(['process.started', 'test.from_outside']));
        expect(rows.find((r) => r.type === 'test.from_outside')).toMatchObject({
          severity: 'warning',
          source: 'test',
          message: 'hello',
        });
      } finally {
        await database.close();
      }
    },
    scaled(90_000),
  );

  it(
    'refuses a dashboard on 0.0.0.0 behind a password under 16 characters, says why, and exits',
    async () => {
      const port = await findFreePort();
      const env = {
        REDIS_URL: t.url,
        TRIPLEGAIN__REDIS__KEY_PREFIX: t.prefix,
        TRIPLEGAIN__DASHBOARD__HOST: '0.0.0.0',
        TRIPLEGAIN__DASHBOARD__PORT: String(port),
        DASHBOARD_PASSWORD: 'fifteen-chars!!',
      };
      const run = await runCli(env, ['start', '--role', 'dashboard'], scaled(60_000));
      expect(run.code, run.stderr).toBe(1);
      expect(run.stderr).toContain(
        'DASHBOARD_PASSWORD is shorter than 16 characters while the dashboard listens on 0.0.0.0',
      );
      expect(run.stdout + run.stderr).not.toContain('fifteen-chars!!');
      expect(await fetch(`http://127.0.0.1:${port}/healthz`).catch(() => 'not listening')).toBe('not listening');
    },
    scaled(90_000),
  );
});
