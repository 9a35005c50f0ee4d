import { randomBytes } from 'node:crypto';
import { join } from 'node:path';
import { Client } from 'pg';
import { openMigratedPglite } from '../../src/db/open-migrated-pglite.ts';
import { migrateDatabase } from '../../src/db/migrate-database.ts';
import { openDatabase, type Database, type Db } from '../../src/db/open-database.ts';
import { projectRoot } from './spawn-ts.ts';
import { noteMigratedShape, recycleSchema, takeRecycledSchema, testRunTag } from './recycled-schemas.ts';

/** The PostgreSQL the tests use: `TEST_DATABASE_URL`, else the local default. */
export const testDatabaseUrl = process.env.TEST_DATABASE_URL ?? 'postgres://postgres@127.0.0.1:5432/test';

export type TestDriver = Database['driver'];

export interface TestDatabase {
  db: Db;
  database: Database;
  /** The schema holding this test's tables and migrations journal (`public` on PGlite). */
  schemaName: string;
  /** Closes the database; on PostgreSQL also drops the schema. */
  cleanup(): Promise<void>;
}

async function withAdminClient<T>(work: (client: Client) => Promise<T>): Promise<T> {
  const client = new Client({ connectionString: testDatabaseUrl, application_name: 'triplegain-test' });
  await client.connect();
  try {
    return await work(client);
  } finally {
    await client.end();
  }
}

/**
 * Creates an empty schema `tgtest_<run>_<random>` in the test database (`tgtest_<random>`
 * outside a test run) and returns its name.
 */
export async function createTestSchema(): Promise<string> {
  const schemaName = `tgtest_${testRunTag ? `${testRunTag}_` : ''}${randomBytes(6).toString('hex')}`;
  await withAdminClient((c) => c.query(`CREATE SCHEMA "${schemaName}"`));
  return schemaName;
}

export async function dropTestSchema(schemaName: string): Promise<void> {
  await withAdminClient((c) => c.query(`DROP SCHEMA IF EXISTS "${schemaName}" CASCADE`));
}

let migratedPglite: Promise<Blob> | undefined;

/**
 * A PGlite migrated by `migrateDatabase`, dumped once per test process: a test's PGlite
 * loaded from it skips `initdb` and the migrations, about 4 s of CPU each time otherwise. It
 * starts from the template the demo keeps in `.data/cache`, so only the first fork of the
 * first run on a machine pays for `initdb`.
 */
function migratedPgliteDump(): Promise<Blob> {
  migratedPglite ??= (async () => {
    const database = await openMigratedPglite({ cacheDir: join(projectRoot, '.data', 'cache') });
    try {
      return await database.client.dumpDataDir('none');
    } finally {
      await database.close();
    }
  })().catch((err: unknown) => {
    migratedPglite = undefined;
    throw err;
  });
  return migratedPglite;
}

/**
 * A migrated database of its own: on PostgreSQL a schema (tables, trigger function and
 * migrations journal all inside it), new or emptied after an earlier test
 * (`recycled-schemas.ts`); on PGlite a fresh in-memory instance.
 */
export async function createTestDatabase(driver: TestDriver): Promise<TestDatabase> {
  if (driver === 'pglite') {
    const database = await openDatabase({ pgliteFrom: await migratedPgliteDump() });
    return { db: database.db, database, schemaName: 'public', cleanup: () => database.close() };
  }

  // A schema an earlier test of this process gave back is already migrated (and emptied).
  const recycled = takeRecycledSchema();
  const schemaName = recycled ?? (await createTestSchema());
  try {
    const database = await openDatabase({
      url: testDatabaseUrl,
      searchPath: schemaName,
      applicationName: 'triplegain-test',
      maxConnections: 4,
    });
    try {
      if (!recycled) {
        await migrateDatabase(database, { migrationsSchema: schemaName });
        await withAdminClient((c) => noteMigratedShape(c, schemaName));
      }
    } catch (err) {
      await database.close();
      throw err;
    }
    return {
      db: database.db,
      database,
      schemaName,
      async cleanup() {
        await database.close();
        if (!(await withAdminClient((c) => recycleSchema(c, schemaName)))) await dropTestSchema(schemaName);
      },
    };
  } catch (err) {
    await dropTestSchema(schemaName);
    throw err;
  }
}
