import { drizzle } from 'drizzle-orm/node-postgres';
import type { AppConfig } from '../../config/app-config.ts';
import type { Database, Db } from '../../db/open-database.ts';
import * as schema from '../../db/schema/index.ts';
import { TriplegainError } from '../../shared/triplegain-error.ts';
import { createStatusPool, PGLITE_NOT_SHARED } from '../../status/open-status-sources.ts';
import { readStatusPageExtras } from './read-status-page-extras.ts';
import type { StatusPageExtras } from './status-page-extras.ts';

export interface StatusPageExtrasReaderDeps {
  config: Pick<AppConfig, 'app' | 'database' | 'execution' | 'llm'>;
  /** The process's database when it has one (`--role all`); otherwise a small pool of its own is opened from `database.url`. */
  database?: Database;
  /** Epoch ms now: the UTC day of the denials and the model spend. Default `Date.now`. */
  now?: () => number;
}

export interface StatusPageExtrasReader {
  /**
   * The page's charts and tables now.
   *
   * @throws TriplegainError `DATABASE_UNAVAILABLE` when there is no database this process may
   *   read (the embedded PGlite of another process); a query's own error when it fails.
   */
  read(): Promise<StatusPageExtras>;
  /** Closes the pool it opened, if any. */
  close(): Promise<void>;
}

/**
 * What the status page shows beside the status document, for the dashboard process, over the
 * same connections the status reader would use (`createStatusReader`): the process's own
 * database, else a small PostgreSQL pool whose connections and queries give up after
 * `app.connectTimeoutMs` (`createStatusPool`), opened on the first read. The embedded PGlite is
 * never opened a second time: its files belong to the process running it.
 */
export function createStatusPageExtrasReader(deps: StatusPageExtrasReaderDeps): StatusPageExtrasReader {
  const { config } = deps;
  let pool: ReturnType<typeof createStatusPool> | undefined;
  let own: Promise<Db> | undefined;
  const db = (): Promise<Db> => {
    if (deps.database) return Promise.resolve(deps.database.db);
    if (config.database.url === '')
      return Promise.reject(new TriplegainError('DATABASE_UNAVAILABLE', PGLITE_NOT_SHARED));
    // The pool connects on first use: a server that is down fails the query, which the page reports.
    pool ??= createStatusPool(config.database.url, config.app.connectTimeoutMs);
    own ??= pool.then((client) => drizzle({ client, schema }));
    return own;
  };
  return {
    async read() {
      return readStatusPageExtras({
        db: await db(),
        account: config.execution.exchange,
        budgetUsd: config.llm.dailyBudgetUsd,
        nowMs: (deps.now ?? Date.now)(),
      });
    },
    async close() {
      if (pool) await (await pool).end();
    },
  };
}
