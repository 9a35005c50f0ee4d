import { createServer, type Socket } from 'node:net';
import { Queue } from 'bullmq';
import { Pool } from 'pg';
import { portfolioSnapshots } from '../../src/db/schema/portfolio-snapshots.ts';
import { afterEach, describe, expect } from 'vitest';
import { it } from '../support/fixtures.ts';
import { readQueueHealth } from '../../src/status/read-queue-health.ts';
import { readStatus } from '../../src/status/read-status.ts';
import { renderStatus } from '../../src/status/render-status.ts';
import { sqlClientOf } from '../../src/status/sql-client.ts';
import { createTestDatabase, type TestDatabase, type TestDriver } from '../support/test-database.ts';
import { createTestRedis, type TestRedis } from '../support/test-redis.ts';
import { bullConnection } from '../support/test-queues.ts';
import { writeStatusScenario } from './status-scenario.ts';

describe('readStatus', () => {
  let t: TestRedis;
  const cleanups: (() => Promise<void>)[] = [];
  it.beforeEach(async ({ redis }) => {
    t = redis;
  });
  afterEach(async () => {
    for (const cleanup of cleanups.splice(0)) await cleanup();
  });

  it.each<TestDriver>(['postgres', 'pglite'])(
    'reads the account in-process on %s, as the dashboard role does',
    async (driver) => {
      const tdb: TestDatabase = await createTestDatabase(driver);
      cleanups.push(() => tdb.cleanup());
      await writeStatusScenario(tdb.db, t.redis, t.keys, Date.now());

      const doc = await readStatus({
        redis: t,
        database: { sql: sqlClientOf(tdb.database) },
        account: 'paper',
        timeframe: '1h',
        nowMs: Date.now(),
        timeoutMs: 5_000,
      });
      expect(doc.complete).toBe(true);
      if (!doc.database.available) throw new Error(doc.database.error);
      expect(doc.database.positions.map((p) => [p.symbol, p.markPrice, p.unrealizedPnlUsd, p.stop.onExchange])).toEqual(
        [
          ['BTC/USD', '51000', '500', true],
          ['SOL/USD', '148', '20', false],
        ],
      );
      expect(doc.database.openOrders).toHaveLength(3);
      expect(doc.database.today?.pnlUsd).toBe('400');
    },
  );

  it("measures today's P&L from the last valuation before 00:00 UTC, else the day's first, and has none without a valuation today", async () => {
    const tdb = await createTestDatabase('postgres');
    cleanups.push(() => tdb.cleanup());
    const day = Date.UTC(2026, 0, 10);
    const nowMs = day + 15 * 3_600_000;
    const row = (atMs: number, equityUsd: string) => ({
      account: 'paper',
      at: new Date(atMs),
      equityUsd,
      cashUsd: equityUsd,
      exposureUsd: '0',
      unrealizedPnlUsd: '0',
      realizedPnlUsd: '0',
      feesUsd: '0',
      positions: [],
    });
    const today = async () => {
      const doc = await readStatus({
        redis: t,
        database: { sql: sqlClientOf(tdb.database) },
        account: 'paper',
        timeframe: '1h',
        nowMs,
        timeoutMs: 5_000,
      });
      if (!doc.database.available) throw new Error(doc.database.error);
      return doc.database.today;
    };

    await tdb.db
      .insert(portfolioSnapshots)
      .values([row(day - 2 * 86_400_000, '8000'), row(day - 86_400_000 + 3_600_000, '9000')]);
    // Nothing valued today: no P&L for today, though there is an equity.
    expect(await today()).toBeNull();

    await tdb.db
      .insert(portfolioSnapshots)
      .values([row(day + 2 * 3_600_000, '9100'), row(day + 14 * 3_600_000, '9400')]);
    expect(await today()).toEqual({
      dayStartMs: day,
      baseEquityUsd: '9000',
      baseAtMs: day - 86_400_000 + 3_600_000,
      equityUsd: '9400',
      pnlUsd: '400',
    });

    // A fresh account: the day's first valuation is the base.
    await tdb.db.delete(portfolioSnapshots);
    await tdb.db
      .insert(portfolioSnapshots)
      .values([row(day + 2 * 3_600_000, '9100'), row(day + 14 * 3_600_000, '9050.5')]);
    expect(await today()).toMatchObject({ baseEquityUsd: '9100', equityUsd: '9050.5', pnlUsd: '-49.5' });
  });

  it('counts a queue as BullMQ does', async () => {
    const connection = bullConnection(t.url);
    const queue = new Queue('ta', { connection, prefix: t.keys.queuePrefix });
    cleanups.push(async () => {
      await queue.close();
      connection.disconnect();
    });
    await queue.add('a', {});
    await queue.add('b', {}, { priority: 3 });
    await queue.add('c', {}, { delay: 60_000 });
    await queue.pause();
    await queue.add('d', {});

    const counts = await queue.getJobCounts('wait', 'paused', 'prioritized', 'active', 'delayed', 'failed');
    const health = await readQueueHealth(t.redis, t.keys, 'ta');
    expect(health).toEqual({
      name: 'ta',
      waiting: counts.wait! + counts.paused! + counts.prioritized!,
      active: counts.active,
      delayed: counts.delayed,
      failed: counts.failed,
      paused: true,
    });
    expect(health.waiting).toBe(3);
    expect(health.delayed).toBe(1);
  });

  it('reports a database that stops answering as unavailable after timeoutMs, with Redis still read', async () => {
    const sockets = new Set<Socket>();
    const server = createServer((socket) => {
      sockets.add(socket);
      socket.on('error', () => undefined);
    });
    await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
    const { port } = server.address() as { port: number };
    // No timeouts of its own: only the reader's wall-time bound ends the wait.
    const pool = new Pool({ connectionString: `postgres://nobody@127.0.0.1:${port}/none` });
    pool.on('error', () => undefined);
    cleanups.push(async () => {
      for (const s of sockets) s.destroy();
      await new Promise<void>((resolve) => server.close(() => resolve()));
      await pool.end().catch(() => undefined);
    });

    const started = Date.now();
    const doc = await readStatus({
      redis: t,
      database: { sql: pool },
      account: 'paper',
      timeframe: '1h',
      nowMs: Date.now(),
      timeoutMs: 300,
    });
    expect(Date.now() - started).toBeLessThan(2_000);
    expect(doc.database).toEqual({ available: false, error: 'the database did not answer within 300 ms' });
    expect(doc.redis).toMatchObject({ available: true, control: { state: 'RUNNING' } });
    expect(doc.complete).toBe(false);
  });

  it('shows a trading state missing from Redis as UNKNOWN, never as the RUNNING it defaults to', async () => {
    const bare = await createTestRedis(undefined, { controlState: false });
    try {
      const doc = await readStatus({
        redis: bare,
        database: { error: 'not read in this test' },
        account: 'paper',
        timeframe: '1h',
        nowMs: Date.now(),
        timeoutMs: 5_000,
      });
      expect(doc.redis).toMatchObject({ available: true, control: { stored: false } });
      expect(renderStatus(doc)).toMatch(
        /^state +UNKNOWN \(none stored in Redis: nothing trades until a worker restores it from the database\)$/m,
      );
      // With a state stored, it is shown as it is.
      const stored = await readStatus({
        redis: t,
        database: { error: 'not read in this test' },
        account: 'paper',
        timeframe: '1h',
        nowMs: Date.now(),
        timeoutMs: 5_000,
      });
      expect(renderStatus(stored)).toMatch(/^state +RUNNING \(version 0\)$/m);
    } finally {
      await bare.cleanup();
    }
  });
});
