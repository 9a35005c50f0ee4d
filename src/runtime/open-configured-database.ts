import type { AppConfig } from '../config/app-config.ts';
import { join } from 'node:path';
import { migrateDatabase } from '../db/migrate-database.ts';
import { openMigratedPglite } from '../db/open-migrated-pglite.ts';
import { openDatabase, type Database } from '../db/open-database.ts';

/**
 * The configured database: PostgreSQL at `database.url`, else PGlite in `database.pgliteDir`,
 * migrated unless `migrate` is false (a reader that must not write). Closed again when the
 * migration fails. A new PGlite directory starts from the migrated template kept under
 * `app.dataDir/cache` (`openMigratedPglite`) instead of running `initdb`.
 */
export async function openConfiguredDatabase(
  config: Pick<AppConfig, 'database' | 'app'>,
  options: { applicationName?: string; migrate?: boolean } = {},
): Promise<Database> {
  if (!config.database.url && options.migrate !== false)
    return openMigratedPglite({ dataDir: config.database.pgliteDir, cacheDir: join(config.app.dataDir, 'cache') });
  const database = await openDatabase({
    url: config.database.url || undefined,
    pgliteDir: config.database.pgliteDir,
    applicationName: options.applicationName ?? 'triplegain-cli',
    connectTimeoutMs: config.app.connectTimeoutMs,
  });
  if (options.migrate === false) return database;
  try {
    await migrateDatabase(database);
    return database;
  } catch (err) {
    await database.close();
    throw err;
  }
}
