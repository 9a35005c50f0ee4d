import { Queue } from 'bullmq';
import { afterEach, describe, expect } from 'vitest';
import { it } from '../support/fixtures.ts';
import { loadConfig } from '../../src/config/load-config.ts';
import { findFreePort } from '../../src/redis/free-port.ts';
import { catalogQueueNames } from '../../src/queues/queue-catalog.ts';
import { scheduledTaskQueues, scheduledTasks } from '../../src/queues/queue-names.ts';
import { runCli } from '../support/run-cli.ts';
import { scrapeMetrics } from '../support/scrape-metrics.ts';
import { spawnTs, type TsProcess } from '../support/spawn-ts.ts';
import { bullConnection } from '../support/test-queues.ts';
import type { TestRedis } from '../support/test-redis.ts';
import { scaled } from '../support/test-timing.ts';

describe('triplegain start --role / schedules sync', () => {
  let t: TestRedis;
  let env: Record<string, string>;
  const procs: TsProcess[] = [];
  it.beforeEach(async ({ redis }) => {
    t = redis;
    env = {
      REDIS_URL: t.url,
      TRIPLEGAIN__REDIS__KEY_PREFIX: t.prefix,
      // Nothing listens there: a role that opened the database would fail to start.
      DATABASE_URL: 'postgres://nobody@127.0.0.1:1/none',
      // The test waits for info lines ("triplegain started", "stopped").
      TRIPLEGAIN__APP__LOG_LEVEL: 'info',
    };
  });
  afterEach(async () => {
    for (const p of procs) p.child.kill('SIGKILL');
    procs.length = 0;
  });

  const cli = (...args: string[]) => runCli(env, args, scaled(18_000));
  const startRole = (role: string) => {
    const p = spawnTs('bin/triplegain.mjs', env, ['start', '--role', role]);
    procs.push(p);
    return p;
  };
  /** The enabled tasks of the config the CLI reads, and every task's scheduler keys in Redis. */
  const schedulers = async () => {
    const { config } = loadConfig({ env: { ...process.env, ...env } });
    const enabled = scheduledTasks.filter((task) => config.schedules[task].enabled);
    const connection = bullConnection(t.url);
    try {
      const found: Record<string, string[]> = {};
      for (const task of scheduledTasks) {
        const queue = new Queue(scheduledTaskQueues[task], { connection, prefix: t.keys.queuePrefix });
        found[task] = (await queue.getJobSchedulers()).map((s) => s.key);
        await queue.close();
      }
      return { enabled, found };
    } finally {
      connection.disconnect();
    }
  };
  /** Exactly one scheduler, keyed by the task, per enabled task; none for the others. */
  const expectOneSchedulerPerEnabledTask = async () => {
    const { enabled, found } = await schedulers();
    // The default config has both kinds, so both halves of the check mean something.
    expect(enabled.length).toBeGreaterThan(0);
    expect(enabled.length).toBeLessThan(scheduledTasks.length);
    expect(found).toEqual(
      Object.fromEntries(scheduledTasks.map((task) => [task, enabled.includes(task) ? [task] : []])),
    );
  };

  it(
    'refuses an unknown queue, naming the valid ones',
    async () => {
      const { code, stderr } = await cli('start', '--role', 'worker', '--queues', 'ta,bogus');
      expect(code).not.toBe(0);
      expect(stderr).toContain('--queues "ta,bogus"');
      expect(stderr).toContain(`expected some of ${catalogQueueNames.join(', ')}`);
    },
    scaled(20_000),
  );

  it(
    'exits with an error, instead of hanging, when the worker role cannot open its database',
    async () => {
      const started = Date.now();
      const { code, stderr } = await cli('start', '--role', 'worker');
      expect(code).toBe(1);
      expect(stderr).toMatch(/cannot open PostgreSQL/);
      expect(Date.now() - started).toBeLessThan(scaled(15_000));
    },
    scaled(20_000),
  );

  it(
    'leaves exactly one job scheduler per enabled task when two syncs run at once, and prints a table',
    async () => {
      const [a, b] = await Promise.all([cli('schedules', 'sync'), cli('schedules', 'sync')]);
      for (const r of [a, b]) {
        expect(r.code, r.stderr).toBe(0);
        expect(r.stdout).toMatch(/^task +queue +action +every$/m);
        expect(r.stdout).toMatch(/^ta +ta +(created|unchanged) +60000 ms$/m);
        expect(r.stdout).toMatch(/^sentiment +sentiment +absent +-$/m);
      }
      await expectOneSchedulerPerEnabledTask();
      // A third run changes nothing.
      const again = await cli('schedules', 'sync');
      expect(again.stdout).not.toMatch(/created|updated|removed/);
      await expectOneSchedulerPerEnabledTask();
      // Three CLI processes, one after two at once: on a loaded machine each takes seconds to start.
    },
    scaled(60_000),
  );

  it(
    'runs the scheduler role without a database: creates the schedulers, exits 0 on SIGTERM',
    async () => {
      const p = startRole('scheduler');
      await p.waitForOutput('triplegain started', scaled(20_000));
      await expectOneSchedulerPerEnabledTask();
      p.child.kill('SIGTERM');
      expect(await p.exited).toBe(0);
      expect(p.output()).toContain('"msg":"stopped"');
    },
    scaled(25_000),
  );

  it(
    'runs the dashboard role: /healthz answers 200, /metrics serves what it can reach, and SIGTERM exits 0',
    async () => {
      const port = await findFreePort();
      env.TRIPLEGAIN__DASHBOARD__PORT = String(port);
      env.METRICS_TOKEN = 'metrics-token-for-tests';
      const p = startRole('dashboard');
      await p.waitForOutput('triplegain started', scaled(20_000));
      const res = await fetch(`http://127.0.0.1:${port}/healthz`);
      expect(res.status).toBe(200);
      expect(await res.json()).toMatchObject({ status: 'ok' });
      // The database is unreachable: its sources are down, the rest is served.
      const metrics = await scrapeMetrics(`http://127.0.0.1:${port}`, env.METRICS_TOKEN);
      expect(metrics.value('triplegain_scrape_source_up', { source: 'orders' })).toBe(0);
      expect(metrics.value('triplegain_scrape_source_up', { source: 'queues' })).toBe(1);
      expect(metrics.value('triplegain_trading_state', { state: 'RUNNING' })).toBe(1);
      p.child.kill('SIGTERM');
      expect(await p.exited).toBe(0);
      expect(p.output()).toContain('"msg":"stopped"');
      // The port is free again: the server closed.
      await expect(fetch(`http://127.0.0.1:${port}/healthz`)).rejects.toThrow();
    },
    scaled(25_000),
  );
});
