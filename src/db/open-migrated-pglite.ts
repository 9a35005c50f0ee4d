import { createHash } from 'node:crypto';
import { createRequire } from 'node:module';
import { mkdir, readdir, readFile, rename, rm, writeFile } from 'node:fs/promises';
import { dirname, join } from 'node:path';
import { migrateDatabase, migrationsFolder } from './migrate-database.ts';
import { openDatabase, type PgliteDatabase } from './open-database.ts';

/**
 * A migrated PGlite: in memory, or in `dataDir` (created when missing). A new PGlite runs
 * `initdb` (about 4.5 s of CPU); with `cacheDir`, the first one is dumped there once migrated,
 * and later new ones load that dump instead (about 1.4 s). A `dataDir` that already holds a
 * database is opened as it is (and migrated); only a missing or empty one starts from the dump,
 * and a dump that fails to load there leaves it empty again before `initdb` runs. The dump is
 * named after PGlite's version and the migrations' contents, so a new migration or PGlite
 * makes a new one; a dump that fails to load is made again. Writes are atomic (a
 * temporary file renamed), so concurrent runs never load a half-written dump, and best effort:
 * a directory that cannot be written only means no template.
 */
export async function openMigratedPglite(
  options: { cacheDir?: string; dataDir?: string } = {},
): Promise<PgliteDatabase> {
  const { dataDir } = options;
  const fresh = dataDir === undefined || (await isEmptyOrMissing(dataDir));
  const file = options.cacheDir && fresh ? await pgliteTemplateFile(options.cacheDir) : null;
  if (file) {
    const dump = await readFile(file).catch(() => null);
    if (dump) {
      try {
        const database = (await openDatabase({ pgliteDir: dataDir, pgliteFrom: new Blob([dump]) })) as PgliteDatabase;
        await migrateDatabase(database);
        return database;
      } catch {
        // In memory only the dump can be at fault; in a directory the directory may be, and a
        // dump that is broken is replaced below all the same, once `initdb` has run.
        if (dataDir) await emptyDirectory(dataDir);
        else await rm(file, { force: true });
      }
    }
  }
  const database = (await openDatabase({ pgliteDir: dataDir })) as PgliteDatabase;
  try {
    await migrateDatabase(database);
    if (file) await keepTemplate(database, file);
    return database;
  } catch (err) {
    await database.close();
    throw err;
  }
}

/** Where `openMigratedPglite` keeps its template under `cacheDir`, named after what makes it. */
export async function pgliteTemplateFile(cacheDir: string): Promise<string> {
  return join(cacheDir, `pglite-migrated-${await templateKey()}.tar.gz`);
}

async function isEmptyOrMissing(dir: string): Promise<boolean> {
  try {
    return (await readdir(dir)).length === 0;
  } catch (err) {
    return (err as NodeJS.ErrnoException).code === 'ENOENT';
  }
}

/** Removes what a failed load wrote into a data directory that was empty before it. */
async function emptyDirectory(dir: string): Promise<void> {
  for (const name of await readdir(dir).catch(() => [])) await rm(join(dir, name), { recursive: true, force: true });
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
