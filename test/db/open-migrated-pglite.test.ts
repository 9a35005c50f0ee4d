import { lstat, mkdir, mkdtemp, readdir, readFile, rm, stat, symlink, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import type { PgliteDatabase } from '../../src/db/open-database.ts';
import { openMigratedPglite, pgliteTemplateFile } from '../../src/db/open-migrated-pglite.ts';
import { hodlBags } from '../../src/db/schema/index.ts';
import { createTestDatabase } from '../support/test-database.ts';
import { scaled } from '../support/test-timing.ts';

describe('a migrated in-memory PGlite from its template', () => {
  let dir: string;
  beforeEach(async () => {
    dir = await mkdtemp(join(tmpdir(), 'tgtest-pglite-template-'));
  });
  afterEach(() => rm(dir, { recursive: true, force: true }));

  const journalLength = async (database: Awaited<ReturnType<typeof openMigratedPglite>>) =>
    (await database.client.query<{ n: number }>('select count(*)::int as n from drizzle.__drizzle_migrations')).rows[0]!
      .n;

  it(
    'dumps the first one it migrates, the next loads the dump (migrated, empty, its own), a broken dump is made again',
    async () => {
      const first = await openMigratedPglite({ cacheDir: dir });
      const [dump] = await readdir(dir);
      expect(dump).toMatch(/^pglite-migrated-[0-9a-f]{16}\.tar\.gz$/);
      await first.client.query(`insert into hodl_bags (asset, quantity) values ('BTC', '1')`);
      const written = await readFile(join(dir, dump!));

      const second = await openMigratedPglite({ cacheDir: dir });
      expect(await journalLength(second)).toBe(await journalLength(first));
      // Loaded from the dump taken before the first was written to, and not written back.
      expect((await second.client.query('select * from hodl_bags')).rows).toEqual([]);
      expect((await readFile(join(dir, dump!))).equals(written)).toBe(true);
      expect(await readdir(dir)).toEqual([dump]);
      const migrations = await journalLength(first);
      await first.close();
      await second.close();

      // A dump that does not load is replaced, and the answer is a migrated database all the same.
      await writeFile(join(dir, dump!), 'not a data directory');
      const third = await openMigratedPglite({ cacheDir: dir });
      expect(await journalLength(third)).toBe(migrations);
      expect((await stat(join(dir, dump!))).size).toBeGreaterThan(1_000_000);
      await third.close();
    },
    scaled(60_000),
  );
});

describe('a migrated in-memory PGlite where no template can be written', () => {
  it(
    'still opens, migrated, when the cache directory cannot be made',
    async () => {
      const dir = await mkdtemp(join(tmpdir(), 'tgtest-pglite-template-'));
      try {
        // A file where the directory should be: mkdir fails.
        const blocked = join(dir, 'cache');
        await writeFile(blocked, 'not a directory');
        const database = await openMigratedPglite({ cacheDir: join(blocked, 'sub') });
        expect(
          (await database.client.query<{ n: number }>('select count(*)::int as n from drizzle.__drizzle_migrations'))
            .rows[0]!.n,
        ).toBeGreaterThan(0);
        await database.close();
        expect(await readdir(dir)).toEqual(['cache']);
      } finally {
        await rm(dir, { recursive: true, force: true });
      }
    },
    scaled(60_000),
  );
});

describe('a migrated PGlite in a data directory', () => {
  let dir: string;
  beforeEach(async () => {
    dir = await mkdtemp(join(tmpdir(), 'tgtest-pglite-datadir-'));
  });
  afterEach(() => rm(dir, { recursive: true, force: true }));

  const bags = async (database: Awaited<ReturnType<typeof openMigratedPglite>>) =>
    (await database.client.query<{ asset: string }>('select asset from hodl_bags order by asset')).rows.map(
      (r) => r.asset,
    );

  it(
    'starts a new directory from the template, opens one that holds a database as it is, and runs initdb when the template does not load',
    async () => {
      const cacheDir = join(dir, 'cache');
      // A template that can be told apart from initdb: it holds one row.
      const made = await createTestDatabase('pglite');
      const template = await pgliteTemplateFile(cacheDir);
      await made.db.insert(hodlBags).values({ asset: 'TEMPLATE', quantity: '1' });
      const dump = await (made.database as PgliteDatabase).client.dumpDataDir('gzip');
      await mkdir(cacheDir);
      await writeFile(template, Buffer.from(await dump.arrayBuffer()));
      await made.cleanup();

      const dataDir = join(dir, 'pglite');
      const first = await openMigratedPglite({ cacheDir, dataDir });
      expect(await bags(first)).toEqual(['TEMPLATE']);
      await first.client.query(`insert into hodl_bags (asset, quantity) values ('OWN', '1')`);
      await first.close();

      // The directory now holds a database: reopened as it is, the template not loaded over it.
      const again = await openMigratedPglite({ cacheDir, dataDir });
      expect(await bags(again)).toEqual(['OWN', 'TEMPLATE']);
      await again.close();

      // A symlink to an empty directory: the template fills what it points to, the link stays.
      await mkdir(join(dir, 'target'));
      await symlink(join(dir, 'target'), join(dir, 'link'));
      const linked = await openMigratedPglite({ cacheDir, dataDir: join(dir, 'link') });
      expect(await bags(linked)).toEqual(['TEMPLATE']);
      await linked.close();
      expect((await lstat(join(dir, 'link'))).isSymbolicLink()).toBe(true);
      expect(await readdir(join(dir, 'target'))).toContain('PG_VERSION');
      await rm(join(dir, 'link'));
      await rm(join(dir, 'target'), { recursive: true });

      // A template cut short (a full disk, a copy interrupted) leaves a new directory to initdb:
      // migrated, empty, and the template made again from it; nothing is left beside it.
      await writeFile(template, (await readFile(template)).subarray(0, 1_000_000));
      const other = await openMigratedPglite({ cacheDir, dataDir: join(dir, 'other') });
      expect(await bags(other)).toEqual([]);
      expect(
        (await other.client.query<{ n: number }>('select count(*)::int as n from drizzle.__drizzle_migrations'))
          .rows[0]!.n,
      ).toBeGreaterThan(0);
      await other.close();
      expect((await stat(template)).size).toBeGreaterThan(1_000_000);
      expect((await readdir(dir)).sort()).toEqual(['cache', 'other', 'pglite']);
    },
    scaled(60_000),
  );
});
