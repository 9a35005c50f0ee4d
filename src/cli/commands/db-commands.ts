import type { Command } from 'commander';

/** Where PGlite keeps its data when no `DATABASE_URL` is set, relative to the working directory. */
export const DEFAULT_PGLITE_DIR = '.data/pglite';

/**
 * `triplegain db migrate`: applies pending migrations to PostgreSQL (`DATABASE_URL`) or, when
 * it is unset, to PGlite in `.data/pglite`. Prints the driver, the target (password hidden)
 * and how many migrations it applied.
 */
export function registerDbCommands(program: Command): void {
  const db = program
    .command('db')
    .description('database operations (PostgreSQL from DATABASE_URL, else embedded PGlite)');

  db.command('migrate')
    .description('apply pending migrations from drizzle/; safe to run from several processes at once')
    .option('--pglite-dir <dir>', 'PGlite data directory when DATABASE_URL is unset', DEFAULT_PGLITE_DIR)
    .action(async (opts: { pgliteDir: string }) => {
      const { dbMigrateAction } = await import('../actions/db-migrate-action.ts');
      await dbMigrateAction(opts);
    });
}
