import type { Redis } from 'ioredis';
import type { Pool } from 'pg';
import type { AppConfig } from '../config/app-config.ts';
import { createKeys } from '../keys.ts';
import { createRedis } from '../redis/create-redis.ts';
import { redactSecrets, redactUrl } from '../shared/redact-secrets.ts';
import { describeError, TriplegainError } from '../shared/triplegain-error.ts';
import type { SourceUnavailable, StatusSources } from './read-status.ts';
import type { SqlClient } from './sql-client.ts';

/** Connections the status reader may use at once: one per query it runs in parallel is not needed, a few are plenty. */
const STATUS_POOL_SIZE = 3;

export interface OpenedStatusSources {
  redis: StatusSources['redis'];
  database: StatusSources['database'];
  /** Closes whatever was opened; never throws, and gives up after the connect timeout. */
  close(): Promise<void>;
}

/**
 * Opens Redis and PostgreSQL for one status read, at the same time, each within
 * `app.connectTimeoutMs` of wall time; a source that cannot be opened comes back as
 * `{ error }` (secrets redacted), so the other one is still read. PostgreSQL gets a small
 * pool of its own (`triplegain-status`) whose queries time out too. The embedded PGlite
 * database is not opened: it belongs to the one process running it.
 */
export async function openStatusSources(config: AppConfig): Promise<OpenedStatusSources> {
  const [redis, database] = await Promise.all([openRedis(config), openPostgres(config)]);
  return {
    redis: 'error' in redis ? redis : { redis: redis.redis, keys: createKeys(config.redis.keyPrefix) },
    database: 'error' in database ? database : { sql: database.sql },
    async close() {
      if (!('error' in redis)) redis.redis.disconnect();
      if (!('error' in database)) await boundedWait(database.close(), config.app.connectTimeoutMs);
    },
  };
}

/** `redis.url`, else the Redis `resolveRedis` finds (the local one, or the private one of a running process). */
async function redisUrlOf(config: AppConfig): Promise<string> {
  if (config.redis.url) return config.redis.url;
  // Loaded only without REDIS_URL: the search and its logger (nothing below warn is shown).
  const [{ resolveRedis }, { createLogger }] = await Promise.all([
    import('../redis/resolve-redis.ts'),
    import('../shared/logger.ts'),
  ]);
  return (
    await resolveRedis({
      allowEmbedded: false,
      dataDir: config.app.dataDir,
      logger: createLogger({ level: 'warn', stderr: true }),
    })
  ).url;
}

async function openRedis(config: AppConfig): Promise<{ redis: Redis } | SourceUnavailable> {
  const timeoutMs = config.app.connectTimeoutMs;
  let url: string;
  try {
    url = await redisUrlOf(config);
  } catch (err) {
    return { error: redactSecrets(err instanceof TriplegainError ? err.message : describeError(err)) };
  }
  const redis = createRedis(url, { name: 'triplegain-status' });
  try {
    await within(redis.ping(), timeoutMs);
    return { redis };
  } catch (err) {
    // Released at once: it would reconnect for ever and keep the process alive.
    redis.disconnect();
    return { error: `cannot reach Redis at ${redactUrl(url)} within ${timeoutMs} ms: ${reason(err)}` };
  }
}

/** Why the database part is missing when the database is the embedded PGlite (no `database.url`). */
export const PGLITE_NOT_SHARED =
  'the database is the embedded PGlite of the running process, which only that process may open: set DATABASE_URL (database.url) to PostgreSQL to see positions, orders and P&L here';

/**
 * A small PostgreSQL pool for status reads (`triplegain-status`): a connection and each query
 * give up after `timeoutMs` of wall time, so a silent server fails a read instead of holding
 * it. Connects on first use.
 */
export async function createStatusPool(url: string, timeoutMs: number): Promise<Pool> {
  // Loaded only here, while Redis answers: a PGlite setup never needs it.
  const { Pool } = await import('pg');
  const pool = new Pool({
    connectionString: url,
    application_name: 'triplegain-status',
    max: STATUS_POOL_SIZE,
    connectionTimeoutMillis: timeoutMs,
    query_timeout: timeoutMs,
    idleTimeoutMillis: 1_000,
  });
  // A connection that breaks fails its query, which the status reports; nothing else to do.
  pool.on('error', () => undefined);
  pool.on('connect', (client) => client.on('error', () => undefined));
  return pool;
}

async function openPostgres(
  config: AppConfig,
): Promise<{ sql: SqlClient; close(): Promise<void> } | SourceUnavailable> {
  const url = config.database.url;
  if (url === '') return { error: PGLITE_NOT_SHARED };
  const timeoutMs = config.app.connectTimeoutMs;
  let pool: Pool;
  try {
    pool = await createStatusPool(url, timeoutMs);
  } catch (err) {
    return { error: `cannot open PostgreSQL at ${redactUrl(url)}: ${reason(err)}` };
  }
  try {
    // Bounded by the pool's own timeouts: the connection's, then the query's.
    await pool.query('select 1');
  } catch (err) {
    void pool.end().catch(() => undefined);
    return { error: `cannot open PostgreSQL at ${redactUrl(url)} within ${timeoutMs} ms: ${reason(err)}` };
  }
  return { sql: pool, close: () => pool.end() };
}

/** An error's message for people, secrets redacted. */
function reason(err: unknown): string {
  return redactSecrets(err instanceof Error ? err.message : describeError(err));
}

/** `work`, or a rejection once `timeoutMs` of wall time has passed. */
async function within<T>(work: Promise<T>, timeoutMs: number): Promise<T> {
  let timer: NodeJS.Timeout | undefined;
  const timeout = new Promise<never>((_, reject) => {
    timer = setTimeout(() => reject(new Error('no answer')), timeoutMs);
  });
  try {
    return await Promise.race([work, timeout]);
  } finally {
    clearTimeout(timer);
  }
}

async function boundedWait(work: Promise<unknown>, timeoutMs: number): Promise<void> {
  await within(work, timeoutMs).catch(() => undefined);
}
