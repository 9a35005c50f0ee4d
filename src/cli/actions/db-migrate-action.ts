import { resolve } from 'node:path';
import { migrateDatabase } from '../../db/migrate-database.ts';
import { openDatabase } from '../../db/open-database.ts';

export interface DbMigrateActionOptions {
  /** PGlite's data directory (relative to the working directory) when `DATABASE_URL` is unset. */
  pgliteDir: string;
}

/**
 * The work of `triplegain db migrate`: applies pending migrations to PostgreSQL at
 * `DATABASE_URL` or, when it is unset or empty, to PGlite in `pgliteDir`, then prints the
 * driver, the target (password hidden) and how many migrations it applied. The database is
 * closed whatever happens.
 */
export async function dbMigrateAction(options: DbMigrateActionOptions): Promise<void> {
  const url = process.env.DATABASE_URL || undefined;
  const pgliteDir = resolve(options.pgliteDir);
  const database = await openDatabase({ url, pgliteDir, applicationName: 'triplegain-migrate' });
  try {
    const result = await migrateDatabase(database);
    const target = database.driver === 'postgres' ? database.redactedUrl : pgliteDir;
    const outcome =
      result.applied === 0
        ? 'already up to date'
        : `applied ${result.applied} migration${result.applied === 1 ? '' : 's'}`;
    console.log(
      `${database.driver} ${target}: ${outcome} (${result.total} in total, journal in schema "${result.migrationsSchema}")`,
    );
  } finally {
    await database.close();
  }
}
