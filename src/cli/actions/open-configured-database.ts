import { loadConfig } from '../../config/load-config.ts';
import { migrateDatabase } from '../../db/migrate-database.ts';
import { openDatabase, type Database } from '../../db/open-database.ts';

/** The configured database (`database.url`, else PGlite in `database.pgliteDir`), migrated. */
export async function openConfiguredDatabase(configFile: string | undefined): Promise<Database> {
  const { config } = loadConfig({ file: configFile });
  const database = await openDatabase({
    url: config.database.url || undefined,
    pgliteDir: config.database.pgliteDir,
    applicationName: 'triplegain-cli',
    connectTimeoutMs: config.app.connectTimeoutMs,
  });
  try {
    await migrateDatabase(database);
    return database;
  } catch (err) {
    await database.close();
    throw err;
  }
}
