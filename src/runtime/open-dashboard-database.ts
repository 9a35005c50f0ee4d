import type { Database, Db } from '../db/open-database.ts';
import type { Runtime } from './open-runtime.ts';

export interface DashboardDatabase {
  /** The database, opened on first use; undefined when this process has none to read. */
  db?: () => Promise<Db>;
  close(): Promise<void>;
}

/**
 * The database the dashboard role reads and writes through (`/metrics`, manual trades): the
 * process's own when it runs workers too, else a small pool of its own on `DATABASE_URL` (no
 * migration: the workers migrate it), opened at the first use and again at the next one after
 * a failure, so a dashboard started while PostgreSQL is down serves the
 * rest and picks the database up once it answers. A dashboard alone on embedded PGlite gets
 * none: PGlite belongs to the one process that opened it. Its database series are then down,
 * and manual trades off.
 */
export function openDashboardDatabase(rt: Pick<Runtime, 'database' | 'config' | 'logger'>): DashboardDatabase {
  const own = rt.database;
  if (own) return { db: async () => own.db, close: async () => undefined };
  const url = rt.config.database.url;
  if (!url) return { close: async () => undefined };
  let opening: Promise<Database> | undefined;
  let closed = false;
  return {
    db: async () => {
      if (closed) throw new Error('the dashboard database is closed');
      opening ??= import('../db/open-database.ts')
        // Loaded only here, as `openRuntime` does: drizzle and the drivers are heavy for a CLI start.
        .then(({ openDatabase }) =>
          openDatabase({
            url,
            connectTimeoutMs: rt.config.app.connectTimeoutMs,
            maxConnections: 4,
            applicationName: 'triplegain-dashboard',
            logger: rt.logger,
          }),
        )
        .catch((err: unknown) => {
          opening = undefined;
          throw err;
        });
      return (await opening).db;
    },
    async close() {
      closed = true;
      const database = await opening?.catch(() => undefined);
      await database?.close();
    },
  };
}
