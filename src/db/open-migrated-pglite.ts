import { createHash, randomBytes } from 'node:crypto';
import { createRequire } from 'node:module';
import { mkdir, readdir, readFile, realpath, rename, rm, writeFile } from 'node:fs/promises';
import { dirname, join } from 'node:path';
import { gunzipSync } from 'node:zlib';
import { migrateDatabase, migrationsFolder } from './migrate-database.ts';
import { openDatabase, type PgliteDatabase } from './open-database.ts';

/**
 * A migrated PGlite: in memory, or in `dataDir` (created when missing). A new PGlite runs
 * `initdb` (about 4.5 s of CPU); with `cacheDir`, the first one is dumped there once migrated,
 * and later new ones load that dump instead (about 1.4 s). The dump is named after PGlite's
 * version and the migrations' contents, so a new migration or PGlite makes a new one.
 *
 * A `dataDir` that already holds anything is opened as it is (and migrated); nothing is ever
 * written into it but by PGlite itself. A missing or empty one gets the dump loaded into a
 * staging directory beside it, which is then renamed onto it: a rename that finds it filled
 * meanwhile (another process opened it first) leaves it alone, and a dump that fails to load
 * leaves only the staging directory to remove. A dump that does not unpack (truncated,
 * corrupt) is made again once `initdb` has run. Writes of the dump are atomic (a temporary
 * file renamed), so concurrent runs never load a half-written one, and best effort: a
 * directory that cannot be written only means no template.
 */
export async function openMigratedPglite(
  options: { cacheDir?: string; dataDir?: string } = {},
): Promise<PgliteDatabase> {
  const { dataDir } = options;
  const fresh = dataDir === undefined || (await isEmptyOrMissing(dataDir));
  const file = options.cacheDir && fresh ? await pgliteTemplateFile(options.cacheDir) : null;
  let template = file ? await readTemplate(file) : null;
  if (template && dataDir !== undefined) {
    if (!(await placeTemplate(template, dataDir))) template = null;
  } else if (template) {
    try {
      const database = (await openDatabase({ pgliteFrom: template })) as PgliteDatabase;
      await migrateDatabase(database);
      return database;
    } catch {
      template = null;
    }
  }
  const database = (await openDatabase({ pgliteDir: dataDir })) as PgliteDatabase;
  try {
    await migrateDatabase(database);
    if (file && !template) await keepTemplate(database, file);
    return database;
  } catch (err) {
    await database.close();
    throw err;
  }
}

/**
 * The template, unpacked here (a truncated or corrupt gzip throws now, inside our handling,
 * rather than in PGlite's stream where nothing can catch it); null when there is none or it
 * does not unpack.
 */
async function readTemplate(file: string): Promise<Blob | null> {
  const packed = await readFile(file).catch(() => null);
  if (!packed) return null;
  try {
    return new Blob([gunzipSync(packed)]);
  } catch {
    return null;
  }
}

/**
 * Loads the template into a staging directory beside `dataDir` and renames it onto `dataDir`
 * (missing or empty). False when the template does not load; true otherwise, also when another
 * process filled `dataDir` first (the rename then fails and what is there is left as it is).
 */
async function placeTemplate(template: Blob, dataDir: string): Promise<boolean> {
  // A symlink is followed: the rename must fill what it points to, not replace the link.
  const target = await realpath(dataDir).catch(() => dataDir);
  const staging = `${target}.template-${process.pid}-${randomBytes(4).toString('hex')}`;
  try {
    await mkdir(dirname(target), { recursive: true });
    const loaded = await openDatabase({ pgliteDir: staging, pgliteFrom: template });
    await loaded.close();
  } catch {
    await rm(staging, { recursive: true, force: true });
    return false;
  }
  try {
    // rename(2) replaces an empty directory, and refuses one that is not.
    await rename(staging, target);
  } catch {
    await rm(staging, { recursive: true, force: true });
  }
  return true;
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
