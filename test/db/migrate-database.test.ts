import { afterEach, describe, expect, it } from 'vitest';
import { migrateDatabase } from '../../src/db/migrate-database.ts';
import { openDatabase, type Database } from '../../src/db/open-database.ts';
import { systemEvents } from '../../src/db/schema/index.ts';
import {
  createTestDatabase,
  createTestSchema,
  dropTestSchema,
  testDatabaseUrl,
  type TestDatabase,
} from '../support/test-database.ts';

describe.each(['postgres', 'pglite'] as const)('migrateDatabase on %s', (driver) => {
  let t: TestDatabase | undefined;
  afterEach(async () => {
    await t?.cleanup();
    t = undefined;
  });

  it('is a no-op the second time and keeps the data', async () => {
    t = await createTestDatabase(driver);
    await t.db.insert(systemEvents).values({ type: 'test.kept', severity: 'info', source: 'test', message: 'm' });
    const again = await migrateDatabase(t.database, {
      migrationsSchema: t.database.driver === 'postgres' ? t.schemaName : undefined,
    });
    expect(again).toMatchObject({ driver, applied: 0 });
    expect(again.total).toBeGreaterThanOrEqual(2);
    expect(await t.db.select().from(systemEvents)).toHaveLength(1);
  });
});

describe('migrateDatabase on postgres, concurrently', () => {
  it('succeeds in every process when several migrate the same schema at once', async () => {
    const schemaName = await createTestSchema();
    const databases: Database[] = [];
    try {
      for (let i = 0; i < 4; i++) {
        databases.push(
          await openDatabase({
            url: testDatabaseUrl,
            searchPath: schemaName,
            applicationName: `triplegain-test-migrate-${i}`,
            maxConnections: 2,
          }),
        );
      }
      const results = await Promise.all(databases.map((d) => migrateDatabase(d)));
      expect(results.every((r) => r.migrationsSchema === schemaName)).toBe(true);
      // Each migration was applied by exactly one of them.
      const total = results[0]!.total;
      expect(total).toBeGreaterThanOrEqual(2);
      expect(results.reduce((sum, r) => sum + r.applied, 0)).toBe(total);
      expect(results.every((r) => r.total === total)).toBe(true);
      await databases[1]!.db
        .insert(systemEvents)
        .values({ type: 'test.after_race', severity: 'info', source: 'test', message: 'm' });
      expect(await databases[2]!.db.select().from(systemEvents)).toHaveLength(1);
    } finally {
      await Promise.all(databases.map((d) => d.close()));
      await dropTestSchema(schemaName);
    }
  });
});
