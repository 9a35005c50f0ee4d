import type { Database } from '../../db/open-database.ts';
import type { Runtime } from '../../runtime/open-runtime.ts';
import { redactSecrets } from '../../shared/redact-secrets.ts';
import { describeError, TriplegainError } from '../../shared/triplegain-error.ts';
import { readStatus } from '../../status/read-status.ts';
import { sqlClientOf } from '../../status/sql-client.ts';
import type { StatusDocument } from '../../status/status-document.ts';
import { readStatusPageExtras } from './read-status-page-extras.ts';
import type { StatusPageExtras } from './status-page-extras.ts';

/** Connections of the dashboard's own PostgreSQL pool: one page refresh runs a few queries at a time. */
const DASHBOARD_POOL_SIZE = 3;

const PGLITE_ELSEWHERE =
  'the database is the embedded PGlite of the worker process, which only that process may open: run the dashboard in the same process (--role all) or set DATABASE_URL (database.url) to PostgreSQL';

export interface StatusPageSources {
  /** The status document (`readStatus`, the reader `triplegain status` uses). */
  status(): Promise<StatusDocument>;
  /** The page's charts and tables; rejects when there is no database to read them from. */
  extras(): Promise<StatusPageExtras>;
  /** Closes the database this opened (none when it used the runtime's). */
  close(): Promise<void>;
}

/**
 * What the status page reads, for the dashboard role: Redis from the runtime; the database
 * from the runtime when this process opened it (`--role all`), else a small PostgreSQL pool
 * of its own (`database.url`). The embedded PGlite is never opened a second time: its files
 * belong to the one process running it, so without PostgreSQL a dashboard-only process shows
 * the database part as unavailable, saying why. A database that cannot be opened now is the
 * same: the page says so and the dashboard still serves Redis's part and the kill switch.
 */
export async function openStatusPageSources(rt: Pick<Runtime, 'config' | 'redis' | 'keys' | 'clock' | 'logger' | 'database'>): Promise<StatusPageSources> {
  const { config } = rt;
  let database: Database | undefined = rt.database;
  let owned = false;
  let unavailable = PGLITE_ELSEWHERE;
  if (!database && config.database.url !== '') {
    try {
      const { openDatabase } = await import('../../db/open-database.ts');
      database = await openDatabase({ url: config.database.url, applicationName: 'triplegain-dashboard', maxConnections: DASHBOARD_POOL_SIZE, connectTimeoutMs: config.app.connectTimeoutMs, logger: rt.logger });
      owned = true;
    } catch (err) {
      unavailable = redactSecrets(describeError(err));
      rt.logger.warn({ err: unavailable }, 'status page: database unavailable; the page shows Redis only');
    }
  }
  const account = config.execution.exchange;
  return {
    status: () =>
      readStatus({
        redis: { redis: rt.redis, keys: rt.keys },
        database: database ? { sql: sqlClientOf(database) } : { error: unavailable },
        account,
        timeframe: config.marketData.timeframe,
        nowMs: rt.clock.now(),
        timeoutMs: config.app.connectTimeoutMs,
      }),
    extras: async () => {
      if (!database) throw new TriplegainError('DATABASE_UNAVAILABLE', unavailable);
      return readStatusPageExtras({ db: database.db, account, budgetUsd: config.llm.dailyBudgetUsd, nowMs: rt.clock.now() });
    },
    async close() {
      if (owned) await database?.close();
    },
  };
}
