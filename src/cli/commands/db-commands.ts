import { resolve } from 'node:path';
import type { Command } from 'commander';
import { migrateDatabase } from '../../db/migrate-database.ts';
import { openDatabase } from '../../db/open-database.ts';

/** Where PGlite keeps its data when no `DATABASE_URL` is set, relative to the working directory. */
export const DEFAULT_PGLITE_DIR = '.data/pglite';

/**
 * `triplegain db migrate`: applies pending migrations to PostgreSQL (`DATABASE_URL`) or, when
 * it is unset, to PGlite in `.data/pglite`. Prints the driver, the target (password hidden)
 * and how many migrations it applied.
 */
export function registerDbCommands(program: Command): void {
  const db = program.command('db').description('database operations (PostgreSQL from DATABASE_URL, else embedded PGlite)');

  db.command('migrate')
    .description('apply pending migrations from drizzle/; safe to run from several processes at once')
    .option('--pglite-dir <dir>', 'PGlite data directory when DATABASE_URL is unset', DEFAULT_PGLITE_DIR)
    .action(async (opts: { pgliteDir: string }) => {
      const url = process.env.DATABASE_URL || undefined;
      const pgliteDir = resolve(opts.pgliteDir);
      const database = await openDatabase({ url, pgliteDir, applicationName: 'triplegain-migrate' });
      try {
        const result = await migrateDatabase(database);
        const target = database.driver === 'postgres' ? database.redactedUrl : pgliteDir;
        const outcome = result.applied === 0 ? 'already up to date' : `applied ${result.applied} migration${result.applied === 1 ? '' : 's'}`;
        console.log(`${database.driver} ${target}: ${outcome} (${result.total} in total, journal in schema "${result.migrationsSchema}")`);
      } finally {
        await database.close();
      }
    });
}
