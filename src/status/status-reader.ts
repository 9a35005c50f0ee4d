import type { Redis } from 'ioredis';
import type { AppConfig } from '../config/app-config.ts';
import type { Database } from '../db/open-database.ts';
import type { Keys } from '../keys.ts';
import { createStatusPool, PGLITE_NOT_SHARED } from './open-status-sources.ts';
import { readStatus, type StatusSources } from './read-status.ts';
import { sqlClientOf } from './sql-client.ts';
import type { StatusDocument } from './status-document.ts';

export interface StatusReaderDeps {
  config: Pick<AppConfig, 'app' | 'database' | 'execution' | 'marketData'>;
  /** The process's Redis connection (it queues commands while Redis is away; a read then reports Redis unavailable). */
  redis: Redis;
  keys: Keys;
  /** The process's database when it has one (a worker role); otherwise a small pool of its own is opened from `database.url`. */
  database?: Database;
  /** Epoch ms now. Default `Date.now`. */
  now?: () => number;
}

export interface StatusReader {
  /** The status document now; never throws for a source's failure (see `readStatus`). */
  read(): Promise<StatusDocument>;
  /** Closes the pool it opened, if any. */
  close(): Promise<void>;
}

/**
 * The status document for a long-running process (`GET /control/status`, the status page,
 * the metrics): the same `readStatus` as `triplegain status`, over the process's own
 * connections. Each read is bounded by `app.connectTimeoutMs` per part.
 */
export function createStatusReader(deps: StatusReaderDeps): StatusReader {
  const { config } = deps;
  let pool: ReturnType<typeof createStatusPool> | undefined;
  const database = async (): Promise<StatusSources['database']> => {
    if (deps.database) return { sql: sqlClientOf(deps.database) };
    if (config.database.url === '') return { error: PGLITE_NOT_SHARED };
    pool ??= createStatusPool(config.database.url, config.app.connectTimeoutMs);
    return { sql: await pool };
  };
  return {
    async read() {
      return readStatus({
        redis: { redis: deps.redis, keys: deps.keys },
        database: await database(),
        account: config.execution.exchange,
        timeframe: config.marketData.timeframe,
        nowMs: (deps.now ?? Date.now)(),
        timeoutMs: config.app.connectTimeoutMs,
      });
    },
    async close() {
      if (pool) await (await pool).end();
    },
  };
}
