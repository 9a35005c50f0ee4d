import { mkdir, realpath } from 'node:fs/promises';
import { PGlite } from '@electric-sql/pglite';
import { drizzle as drizzleNodePg } from 'drizzle-orm/node-postgres';
import type { PgDatabase, PgQueryResultHKT, PgTransaction } from 'drizzle-orm/pg-core';
import { drizzle as drizzlePglite } from 'drizzle-orm/pglite';
import type { ExtractTablesWithRelations } from 'drizzle-orm/relations';
import { Pool } from 'pg';
import type { Logger } from '../shared/logger.ts';
import { redactSecrets, redactUrl } from '../shared/redact-secrets.ts';
import { describeError, TriplegainError } from '../shared/triplegain-error.ts';
import * as schema from './schema/index.ts';

export type Schema = typeof schema;

/**
 * What `db.execute(sql…)` returns on both drivers: node-postgres' `QueryResult` and PGlite's
 * `Results` both carry `rows`.
 */
export interface RowsQueryResultHKT extends PgQueryResultHKT {
  type: QueryRows<this['row']>;
}

export interface QueryRows<TRow> {
  rows: TRow[];
}

/** The drizzle database both drivers satisfy; code above `src/db` sees only this. */
export type Db = PgDatabase<RowsQueryResultHKT, Schema>;

/** The `tx` of `db.transaction(async (tx) => …)`; also usable wherever a `Db` is expected. */
export type DbTransaction = PgTransaction<RowsQueryResultHKT, Schema, ExtractTablesWithRelations<Schema>>;

interface DatabaseBase {
  db: Db;
  /** Schemas on the search_path, first one first, when one was set. */
  searchPath?: string[];
  close(): Promise<void>;
}

/** PostgreSQL through a `pg` pool. */
export interface PostgresDatabase extends DatabaseBase {
  driver: 'postgres';
  pool: Pool;
  /** The URL with its password replaced by `***`, for logs and messages. */
  redactedUrl: string;
}

/** Embedded PGlite: in memory, or in a data directory. */
export interface PgliteDatabase extends DatabaseBase {
  driver: 'pglite';
  client: PGlite;
  /** The data directory; absent when in memory. */
  dataDir?: string;
}

export type Database = PostgresDatabase | PgliteDatabase;

export interface OpenDatabaseOptions {
  /** PostgreSQL URL (`DATABASE_URL`). Absent: PGlite. */
  url?: string;
  /** PGlite data directory, created when missing. Absent (and no `url`): PGlite in memory. */
  pgliteDir?: string;
  /**
   * For a PGlite in memory, or in a `pgliteDir` that holds no database yet: a data directory
   * dumped by `dumpDataDir` to start from instead of an empty cluster. Loading one skips
   * `initdb`, most of the seconds of CPU a new PGlite costs (`openMigratedPglite`).
   */
  pgliteFrom?: Blob;
  /**
   * Comma-separated schemas for the search_path, e.g. `tgtest_ab12cd34`. Tables are created
   * in and read from the first one. Used for per-test isolation and for sharing a database.
   */
  searchPath?: string;
  /** `application_name` shown in `pg_stat_activity`. Default `triplegain`. */
  applicationName?: string;
  /** Pool size (PostgreSQL). Default 10. */
  maxConnections?: number;
  /**
   * Wall time a new PostgreSQL connection may take before it fails (`pg`'s
   * `connectionTimeoutMillis`): the CLI passes `app.connectTimeoutMs`. Default 5 s.
   */
  connectTimeoutMs?: number;
  /** Receives errors of idle pooled connections (the pool replaces them). */
  logger?: Logger;
}

/** `app.connectTimeoutMs`'s default, for callers that have no config (`db migrate`). */
const DEFAULT_CONNECT_TIMEOUT_MS = 5_000;

const IDENTIFIER = /^[A-Za-z_][A-Za-z0-9_$]{0,62}$/;

function parseSearchPath(searchPath: string | undefined): string[] | undefined {
  if (searchPath === undefined) return undefined;
  const schemas = searchPath.split(',').map((s) => s.trim());
  const invalid = schemas.filter((s) => !IDENTIFIER.test(s));
  if (schemas.length === 0 || invalid.length > 0) {
    throw new TriplegainError(
      'CONFIG_INVALID',
      `invalid search path "${searchPath}": use comma-separated unquoted identifiers`,
    );
  }
  return schemas;
}

/**
 * Opens PostgreSQL when `url` is given, else embedded PGlite, and checks that it answers.
 *
 * @throws TriplegainError `DATABASE_UNAVAILABLE` (retryable) when the database cannot be
 *   reached; the message names the URL with its password replaced by `***`.
 * @throws TriplegainError `CONFIG_INVALID` for a malformed `searchPath`.
 */
export async function openDatabase(opts: OpenDatabaseOptions): Promise<Database> {
  const searchPath = parseSearchPath(opts.searchPath);
  return opts.url ? openPostgres(opts.url, searchPath, opts) : openPglite(opts.pgliteDir, searchPath, opts.pgliteFrom);
}

async function openPostgres(
  url: string,
  searchPath: string[] | undefined,
  opts: OpenDatabaseOptions,
): Promise<PostgresDatabase> {
  const redactedUrl = redactUrl(url);
  const fail = (err: unknown): TriplegainError =>
    // No `cause`: some errors carry the whole connection string (a URL parse error's `input`).
    new TriplegainError(
      'DATABASE_UNAVAILABLE',
      `cannot open PostgreSQL at ${redactedUrl} within ${opts.connectTimeoutMs ?? DEFAULT_CONNECT_TIMEOUT_MS} ms: ${redactSecrets(describeError(err))}`,
      {
        url: redactedUrl,
        pgCode: (err as { code?: unknown }).code,
      },
    );

  let pool: Pool;
  try {
    pool = new Pool({
      connectionString: url,
      application_name: opts.applicationName ?? 'triplegain',
      max: opts.maxConnections ?? 10,
      connectionTimeoutMillis: opts.connectTimeoutMs ?? DEFAULT_CONNECT_TIMEOUT_MS,
      idleTimeoutMillis: 30_000,
      keepAlive: true,
      ...(searchPath ? { options: `-c search_path=${searchPath.join(',')}` } : {}),
    });
  } catch (err) {
    throw fail(err);
  }
  // An idle connection that breaks (server restart, network) is dropped and replaced by the
  // pool; without a listener the 'error' event would crash the process.
  pool.on('error', (err) =>
    opts.logger?.warn({ err: redactSecrets(describeError(err)), url: redactedUrl }, 'idle postgres connection failed'),
  );
  // The pool takes its listener off a client it lends out: a connection that breaks while in
  // use (a backend terminated, 57P01; a network cut) would emit an unhandled 'error' and end
  // the process. The query it runs fails (the job or delivery is retried); the pool drops the
  // client when it is released with that error.
  pool.on('connect', (client) => {
    client.on('error', (err) =>
      opts.logger?.warn(
        { err: redactSecrets(describeError(err)), url: redactedUrl },
        'postgres connection lost while in use',
      ),
    );
  });

  try {
    await pool.query('select 1');
  } catch (err) {
    await pool.end().catch(() => undefined);
    throw fail(err);
  }
  const db = drizzleNodePg({ client: pool, schema });
  return { driver: 'postgres', db, pool, redactedUrl, searchPath, close: () => pool.end() };
}

async function openPglite(
  dataDir: string | undefined,
  searchPath: string[] | undefined,
  from: Blob | undefined,
): Promise<PgliteDatabase> {
  let client: PGlite;
  try {
    if (dataDir) await mkdir(dataDir, { recursive: true });
    // PGlite's file system does not follow a symlinked data directory (errno 44): give it the target.
    const resolvedDir = dataDir ? await realpath(dataDir) : undefined;
    client = await PGlite.create({ dataDir: resolvedDir, ...(from ? { loadDataDir: from } : {}) });
    if (searchPath) {
      for (const s of searchPath) await client.exec(`CREATE SCHEMA IF NOT EXISTS "${s}"`);
      await client.exec(`SET search_path TO ${searchPath.map((s) => `"${s}"`).join(', ')}`);
    }
  } catch (err) {
    throw new TriplegainError(
      'DATABASE_UNAVAILABLE',
      `cannot open PGlite${dataDir ? ` in ${dataDir}` : ''}: ${describeError(err)}`,
      { dataDir },
    );
  }
  const db = drizzlePglite({ client, schema });
  return { driver: 'pglite', db, client, dataDir, searchPath, close: () => client.close() };
}
