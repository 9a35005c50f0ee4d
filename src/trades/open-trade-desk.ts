import { Queue } from 'bullmq';
import type { Redis } from 'ioredis';
import { systemClock } from '../clock/clock.ts';
import type { Db } from '../db/open-database.ts';
import { shippedBookOf } from '../market/instrument-book.ts';
import type { Runtime } from '../runtime/open-runtime.ts';
import { closeQueues } from '../queues/close-queues.ts';
import { TradeDesk } from './trade-desk.ts';

export interface OpenedTradeDesk {
  /** Undefined when the process has no database to trade through (the API then answers 503). */
  desk: Pick<TradeDesk, 'open' | 'close' | 'cancel'> | undefined;
  /** Closes the queues. */
  close(): Promise<void>;
}

/**
 * The trade desk of a long-running process (the dashboard's control API and page) over `db`,
 * the role's database (`openDashboardDatabase`: opened on first use, so a dashboard starts
 * without it and a trade request fails alone while it is down; never migrated nor PGlite opened
 * a second time from here).
 *
 * @param connection a BullMQ connection the caller owns and closes.
 */
export function openTradeDesk(rt: Runtime, connection: Redis, db: (() => Promise<Db>) | undefined): OpenedTradeDesk {
  const riskQueue = new Queue('risk', { connection, prefix: rt.keys.queuePrefix });
  const executionQueue = new Queue('execution', { connection, prefix: rt.keys.queuePrefix });
  const instruments = shippedBookOf(rt.config);
  const desk = async (database: () => Promise<Db>) =>
    new TradeDesk({
      config: rt.config,
      db: await database(),
      bus: rt.bus,
      redis: rt.redis,
      keys: rt.keys,
      riskQueue,
      executionQueue,
      instruments,
      clock: systemClock,
      logger: rt.logger,
    });
  return {
    desk: db && {
      open: async (input, by) => (await desk(db)).open(input, by),
      close: async (input, by) => (await desk(db)).close(input, by),
      cancel: async (input, by) => (await desk(db)).cancel(input, by),
    },
    close: () => closeQueues([riskQueue, executionQueue]),
  };
}
