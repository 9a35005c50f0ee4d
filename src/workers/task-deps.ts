import type { ConnectionOptions } from 'bullmq';
import type { AlertSink } from '../alerts/alert-raiser.ts';
import type { Redis } from 'ioredis';
import type { Bus } from '../bus/bus.ts';
import type { Clock } from '../clock/clock.ts';
import type { AppConfig } from '../config/app-config.ts';
import type { Db } from '../db/open-database.ts';
import type { DegradationMonitor } from '../degradation/degradation-monitor.ts';
import type { Keys } from '../keys.ts';
import type { ModelGateway } from '../llm/model-gateway.ts';
import type { ModelPanel } from '../panel/model-panel.ts';
import type { CandleSource } from '../market/candle-source.ts';
import type { InstrumentBook } from '../market/instrument-book.ts';
import type { Logger } from '../shared/logger.ts';

/** Everything the task handlers use, built once per process. */
export interface TaskDeps {
  config: AppConfig;
  db: Db;
  bus: Bus;
  /** Command connection (leases, counters). */
  redis: Redis;
  /** BullMQ connection options for the queues and flows the handlers add to. */
  connection: ConnectionOptions;
  keys: Keys;
  clock: Clock;
  logger: Logger;
  candles: CandleSource;
  /** The pairs' rules every order is rounded to and checked against (`openInstrumentBook`): live on Kraken, shipped on paper. */
  instruments: InstrumentBook;
  gateway: ModelGateway;
  panel: ModelPanel;
  /** The cluster's degradation level (REDUCED drops optional agents and secondary models), and where model results are reported. */
  degradation: Pick<DegradationMonitor, 'level' | 'recordSuccess' | 'recordFailure'>;
  /** Where recorded events that need an operator go as alerts (order rejections, orphaned approvals, unprotected positions). */
  alerts?: AlertSink;
}
