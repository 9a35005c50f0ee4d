import { describe, expect } from 'vitest';
import { it } from '../support/fixtures.ts';
import { SchedulesConfig } from '../../src/config/sections/schedules-config.ts';
import { syncSchedules } from '../../src/queues/sync-schedules.ts';
import { bullConnection, openQueue } from '../support/test-queues.ts';
import { type TestRedis } from '../support/test-redis.ts';

describe('syncSchedules', () => {
  let t: TestRedis;
  it.beforeEach(({ redis }) => {
    t = redis;
  });

  const sync = async (schedules: unknown) => {
    const connection = bullConnection(t.url);
    try {
      return await syncSchedules({ connection, keys: t.keys, schedules: SchedulesConfig.parse(schedules) });
    } finally {
      connection.disconnect();
    }
  };
  const schedulersOf = async (name: 'ta' | 'regime' | 'sentiment') => {
    const queue = openQueue(name, t.url, t.keys);
    try {
      return await queue.getJobSchedulers();
    } finally {
      await queue.close();
      (await queue.client).disconnect();
    }
  };

  it('creates one scheduler per enabled task from config and leaves disabled ones out', async () => {
    const changes = await sync({});
    expect(
      changes
        .filter((c) => c.action === 'created')
        .map((c) => c.task)
        .sort(),
    ).toEqual(['decision', 'marketData', 'portfolio', 'regime', 'ta']);
    expect(changes.find((c) => c.task === 'sentiment')?.action).toBe('absent');
    const ta = await schedulersOf('ta');
    expect(ta).toHaveLength(1);
    expect(ta[0]).toMatchObject({ key: 'ta', every: 60_000, name: 'tick' });
    expect(await schedulersOf('sentiment')).toEqual([]);
  });

  it('leaves exactly one scheduler per task when run twice, or from several processes at once', async () => {
    await sync({});
    await Promise.all([sync({}), sync({}), sync({})]);
    expect(await schedulersOf('ta')).toHaveLength(1);
    expect(await schedulersOf('regime')).toHaveLength(1);
    const queue = openQueue('ta', t.url, t.keys);
    // One scheduler means one pending next run, not one per sync.
    expect((await queue.getDelayedCount()) + (await queue.getWaitingCount())).toBe(1);
    await queue.close();
  });

  it('replaces a changed interval and removes a task that was turned off', async () => {
    await sync({ sentiment: { enabled: true } });
    expect(await schedulersOf('sentiment')).toHaveLength(1);
    const changes = await sync({ ta: { everyMs: 120_000 }, sentiment: { enabled: false } });
    expect(changes.find((c) => c.task === 'ta')).toMatchObject({ action: 'updated', everyMs: 120_000 });
    expect(changes.find((c) => c.task === 'sentiment')?.action).toBe('removed');
    const ta = await schedulersOf('ta');
    expect(ta).toHaveLength(1);
    expect(ta[0]!.every).toBe(120_000);
    expect(await schedulersOf('sentiment')).toEqual([]);
  });

  it('removes schedulers on a task queue that config does not know', async () => {
    const queue = openQueue('regime', t.url, t.keys);
    await queue.upsertJobScheduler('hand-made', { every: 5_000 }, { name: 'tick' });
    await queue.close();
    await sync({});
    expect((await schedulersOf('regime')).map((s) => s.key)).toEqual(['regime']);
  });
});
