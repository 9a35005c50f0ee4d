import { createHash } from 'node:crypto';
import { createRequire } from 'node:module';
import { mkdir, readdir, readFile, rename, rm, writeFile } from 'node:fs/promises';
import { dirname, join } from 'node:path';
import { migrateDatabase, migrationsFolder } from './migrate-database.ts';
import { openDatabase, type PgliteDatabase } from './open-database.ts';

/**
 * A new in-memory PGlite with every migration applied. A new PGlite runs `initdb` (about 4.5 s
 * of CPU); with `cacheDir`, the first one is dumped there once migrated, and later ones load
 * that dump instead (about 1.4 s). The dump is named after PGlite's version and the
 * migrations' contents, so a new migration or PGlite makes a new one; a dump that fails to
 * load is removed and made again. Writes are atomic (a temporary file renamed), so
 * concurrent runs never load a half-written dump, and best effort: a directory that cannot be
 * written only means no template.
 */
export async function openMigratedPglite(options: { cacheDir?: string } = {}): Promise<PgliteDatabase> {
  const file = options.cacheDir ? join(options.cacheDir, `pglite-migrated-${await templateKey()}.tar.gz`) : null;
  if (file) {
    const dump = await readFile(file).catch(() => null);
    if (dump) {
      try {
        const database = (await openDatabase({ pgliteFrom: new Blob([dump]) })) as PgliteDatabase;
        await migrateDatabase(database);
        return database;
      } catch {
        await rm(file, { force: true });
      }
    }
  }
  const database = (await openDatabase({})) as PgliteDatabase;
  try {
    await migrateDatabase(database);
    if (file) await keepTemplate(database, file);
    return database;
  } catch (err) {
    await database.close();
    throw err;
  }
}

/**
 * Dumps the migrated database to `file`, best effort: a data directory that cannot be written
 * (read-only, full) costs the next run its initdb, never this one its database.
 */
async function keepTemplate(database: PgliteDatabase, file: string): Promise<void> {
  const partial = `${file}.${process.pid}.partial`;
  try {
    const dump = Buffer.from(await (await database.client.dumpDataDir('gzip')).arrayBuffer());
    await mkdir(dirname(file), { recursive: true });
    await writeFile(partial, dump);
    await rename(partial, file);
  } catch {
    await rm(partial, { force: true }).catch(() => undefined);
  }
}

/** PGlite's version and a digest of every migration file. */
async function templateKey(): Promise<string> {
  const hash = createHash('sha256');
  const entry = createRequire(import.meta.url).resolve('@electric-sql/pglite');
  let dir = dirname(entry);
  for (;;) {
    const manifest = await readFile(join(dir, 'package.json'), 'utf8').catch(() => null);
    if (manifest && (JSON.parse(manifest) as { name?: string }).name === '@electric-sql/pglite') {
      hash.update(manifest);
      break;
    }
    if (dirname(dir) === dir) break;
    dir = dirname(dir);
  }
  const files = (await readdir(migrationsFolder, { recursive: true })).sort();
  for (const name of files) {
    const content = await readFile(join(migrationsFolder, name)).catch(() => null);
    if (content) hash.update(name).update(content);
  }
  return hash.digest('hex').slice(0, 16);
}
