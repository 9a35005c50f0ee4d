import { Queue } from 'bullmq';
import type { Redis } from 'ioredis';
import { systemClock } from '../clock/clock.ts';
import type { Database } from '../db/open-database.ts';
import { shippedBookOf } from '../market/instrument-book.ts';
import type { Runtime } from '../runtime/open-runtime.ts';
import { TradeDesk } from './trade-desk.ts';

export interface OpenedTradeDesk {
  desk: Pick<TradeDesk, 'open' | 'close' | 'cancel'>;
  /** Closes the queues, and the database when this desk opened it. */
  close(): Promise<void>;
}

/**
 * The trade desk of a long-running process (the dashboard's control API): over the runtime's
 * database when it has one (the `all` role), else over one opened (and migrated) on the first
 * request, so that a dashboard starts without the database and a trade request fails alone
 * (and is tried again on the next) while the database is down.
 *
 * @param connection a BullMQ connection the caller owns and closes.
 */
export function openTradeDesk(rt: Runtime, connection: Redis): OpenedTradeDesk {
  const riskQueue = new Queue('risk', { connection, prefix: rt.keys.queuePrefix });
  const executionQueue = new Queue('execution', { connection, prefix: rt.keys.queuePrefix });
  const instruments = shippedBookOf(rt.config);
  let opened: Promise<Database> | undefined;
  const database = (): Promise<Database> => {
    if (rt.database) return Promise.resolve(rt.database);
    opened ??= (async () => {
      const [{ openDatabase }, { migrateDatabase }] = await Promise.all([import('../db/open-database.ts'), import('../db/migrate-database.ts')]);
      const db = await openDatabase({ url: rt.config.database.url || undefined, pgliteDir: rt.config.database.pgliteDir, applicationName: 'triplegain-dashboard', connectTimeoutMs: rt.config.app.connectTimeoutMs });
      try {
        await migrateDatabase(db);
      } catch (err) {
        await db.close();
        throw err;
      }
      return db;
    })().catch((err: unknown) => {
      // The next request tries again.
      opened = undefined;
      throw err;
    });
    return opened;
  };
  const desk = async () => new TradeDesk({ config: rt.config, db: (await database()).db, bus: rt.bus, redis: rt.redis, keys: rt.keys, riskQueue, executionQueue, instruments, clock: systemClock, logger: rt.logger });
  return {
    desk: {
      open: async (input, by) => (await desk()).open(input, by),
      close: async (input, by) => (await desk()).close(input, by),
      cancel: async (input, by) => (await desk()).cancel(input, by),
    },
    async close() {
      await riskQueue.close();
      await executionQueue.close();
      const db = await opened?.catch(() => undefined);
      await db?.close();
    },
  };
}
