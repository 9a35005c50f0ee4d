import { sql } from 'drizzle-orm';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { systemClock } from '../../src/clock/clock.ts';
import { AppConfig } from '../../src/config/app-config.ts';
import { openStatusPageSources } from '../../src/dashboard/status-page/open-status-page-sources.ts';
import { silentLogger } from '../../src/shared/logger.ts';
import { createTestDatabase, type TestDatabase } from '../support/test-database.ts';
import { createTestRedis, type TestRedis } from '../support/test-redis.ts';

describe('openStatusPageSources', () => {
  let t: TestRedis;
  let d: TestDatabase | undefined;

  beforeEach(async () => {
    t = await createTestRedis();
  });
  afterEach(async () => {
    await d?.cleanup();
    d = undefined;
    await t.cleanup();
  });

  const runtime = (config: Record<string, unknown>, database?: TestDatabase) => ({ config: AppConfig.parse(config), redis: t.redis, keys: t.keys, clock: systemClock, logger: silentLogger, database: database?.database });

  it("never opens the embedded PGlite a second time: a dashboard-only process without PostgreSQL shows Redis's part and says why the database's is missing", async () => {
    const sources = await openStatusPageSources(runtime({}));
    try {
      const doc = await sources.status();
      expect(doc.redis.available).toBe(true);
      expect(doc.database).toEqual({ available: false, error: expect.stringContaining('embedded PGlite of the worker process') });
      expect(doc.complete).toBe(false);
      await expect(sources.extras()).rejects.toThrow(/DATABASE_URL/);
    } finally {
      await sources.close();
    }
  });

  it("reads the runtime's database when this process opened it (--role all), and leaves it open on close", async () => {
    d = await createTestDatabase('postgres');
    const sources = await openStatusPageSources(runtime({}, d));
    const doc = await sources.status();
    expect(doc.complete).toBe(true);
    expect(doc.database).toMatchObject({ available: true, account: 'paper', positions: [] });
    expect((await sources.extras()).equity).toEqual([]);
    await sources.close();
    await expect(d.db.execute(sql`select 1`)).resolves.toBeDefined();
  });

  it('keeps serving Redis when PostgreSQL cannot be opened, naming it without its password', async () => {
    const sources = await openStatusPageSources(runtime({ database: { url: 'postgres://someone:sekrit-password@127.0.0.1:1/nothing' }, app: { connectTimeoutMs: 500 } }));
    try {
      const doc = await sources.status();
      expect(doc.redis.available).toBe(true);
      expect(doc.database.available).toBe(false);
      const error = doc.database.available ? '' : doc.database.error;
      expect(error).toContain('cannot open PostgreSQL');
      expect(error).not.toContain('sekrit-password');
      await expect(sources.extras()).rejects.toThrow(/cannot open PostgreSQL/);
    } finally {
      await sources.close();
    }
  });
});
