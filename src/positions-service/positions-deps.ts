import type { AlertSink } from '../alerts/alert-raiser.ts';
import type { Bus } from '../bus/bus.ts';
import type { Clock } from '../clock/clock.ts';
import type { AppConfig } from '../config/app-config.ts';
import type { Db } from '../db/open-database.ts';
import type { ExchangePort } from '../exchange/exchange-port.ts';
import type { Keys } from '../keys.ts';
import type { InstrumentBook } from '../market/instrument-book.ts';
import type { Logger } from '../shared/logger.ts';
import type { Redis } from 'ioredis';

/** What the positions service needs (see `startPositionsService`). */
export interface PositionsDeps {
  config: AppConfig;
  db: Db;
  bus: Bus;
  redis: Redis;
  keys: Keys;
  /** Market time: fills, snapshots and cooldowns are stamped with it. */
  clock: Clock;
  logger: Logger;
  exchange: ExchangePort;
  /** The worker's instrument book: stops and exits are rounded to it. */
  instruments: InstrumentBook;
  /** Told of a position left without its stop, and of orders the exchange rejects. */
  alerts?: AlertSink;
}
