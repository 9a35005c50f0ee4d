import { createHash } from 'node:crypto';
import { fileURLToPath } from 'node:url';
import { sql } from 'drizzle-orm';
import { drizzle as drizzleNodePg } from 'drizzle-orm/node-postgres';
import { migrate as migrateNodePg } from 'drizzle-orm/node-postgres/migrator';
import { drizzle as drizzlePglite } from 'drizzle-orm/pglite';
import { migrate as migratePglite } from 'drizzle-orm/pglite/migrator';
import type { Db, Database } from './open-database.ts';
import * as schema from './schema/index.ts';

/** The generated migrations, found from this file rather than the working directory. */
export const migrationsFolder = fileURLToPath(new URL('../../drizzle/', import.meta.url));

const MIGRATIONS_TABLE = '__drizzle_migrations';

export interface MigrateDatabaseOptions {
  /**
   * Schema that holds the migrations journal. Default: the first schema of the database's
   * search path when one was set (so an isolated schema carries its own journal), else
   * drizzle's default `drizzle`.
   */
  migrationsSchema?: string;
}

export interface MigrationResult {
  driver: Database['driver'];
  migrationsSchema: string;
  /** Migrations applied by this call (0 when the database was up to date). */
  applied: number;
  /** Migrations recorded in the journal afterwards. */
  total: number;
}

/** A stable signed 64-bit advisory lock key per journal, so unrelated schemas never wait on each other. */
function advisoryLockKey(migrationsSchema: string): string {
  return createHash('sha256').update(`triplegain:migrate:${migrationsSchema}`).digest().readBigInt64BE(0).toString();
}

async function countApplied(db: Db, migrationsSchema: string): Promise<number> {
  const exists = await db.execute<{ present: boolean }>(
    sql`select to_regclass(${`"${migrationsSchema}"."${MIGRATIONS_TABLE}"`}) is not null as present`,
  );
  if (!exists.rows[0]?.present) return 0;
  const counted = await db.execute<{ n: number }>(
    sql`select count(*)::int as n from ${sql.identifier(migrationsSchema)}.${sql.identifier(MIGRATIONS_TABLE)}`,
  );
  return counted.rows[0]?.n ?? 0;
}

/**
 * Applies the migrations in `drizzle/` that the database has not seen yet, on either driver.
 * Idempotent. On PostgreSQL the whole run holds a session advisory lock on one connection,
 * so processes that start together (replicas, a compose `migrate` step) apply each migration
 * once: the others wait, then find nothing to do.
 */
export async function migrateDatabase(database: Database, opts: MigrateDatabaseOptions = {}): Promise<MigrationResult> {
  const migrationsSchema = opts.migrationsSchema ?? database.searchPath?.[0] ?? 'drizzle';
  const config = { migrationsFolder, migrationsSchema, migrationsTable: MIGRATIONS_TABLE };

  if (database.driver === 'pglite') {
    // One in-process connection: nothing to race with.
    const db = drizzlePglite({ client: database.client, schema });
    const before = await countApplied(db, migrationsSchema);
    await migratePglite(db, config);
    const total = await countApplied(db, migrationsSchema);
    return { driver: 'pglite', migrationsSchema, applied: total - before, total };
  }

  // Session-level advisory locks belong to a connection: lock, migrate and unlock on the same one.
  const client = await database.pool.connect();
  let broken: Error | undefined;
  try {
    const key = advisoryLockKey(migrationsSchema);
    await client.query('select pg_advisory_lock($1::bigint)', [key]);
    try {
      const db = drizzleNodePg({ client, schema });
      const before = await countApplied(db, migrationsSchema);
      await migrateNodePg(db, config);
      const total = await countApplied(db, migrationsSchema);
      return { driver: 'postgres', migrationsSchema, applied: total - before, total };
    } finally {
      await client.query('select pg_advisory_unlock($1::bigint)', [key]).catch((err: Error) => {
        broken = err;
      });
    }
  } catch (err) {
    broken = err as Error;
    throw err;
  } finally {
    // A connection whose unlock failed may still hold the lock: destroy it rather than pool it.
    client.release(broken);
  }
}
