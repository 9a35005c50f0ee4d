import { Queue } from 'bullmq';
import { InsufficientDataError } from '../agents/kit/insufficient-data-error.ts';
import { startAlertDelivery } from '../alerts/start-alert-delivery.ts';
import { startAlertDispatcher } from '../alerts/start-alert-dispatcher.ts';
import type { Clock } from '../clock/clock.ts';
import { ControlPlane } from '../control/control-plane.ts';
import { startControlWatch } from '../control/start-control-watch.ts';
import { startCoordinator } from '../coordinator/coordinator-service.ts';
import { DegradationMonitor } from '../degradation/degradation-monitor.ts';
import { recoverDegradation } from '../degradation/recover-degradation.ts';
import type { ExchangePort } from '../exchange/exchange-port.ts';
import { KrakenExchange } from '../kraken/kraken-exchange.ts';
import { KRAKEN_OPEN_ORDERS_PER_PAIR } from '../kraken/kraken-open-order-limits.ts';
import { KrakenPrivateClient } from '../kraken/kraken-private-client.ts';
import { PaperExchange } from '../exchange/paper/paper-exchange.ts';
import type { InstrumentBook } from '../market/instrument-book.ts';
import { KrakenRateLimiter } from '../kraken/kraken-rate-limiter.ts';
import type { CandleSource } from '../market/candle-source.ts';
import { exchangePortfolio } from '../portfolio/exchange-portfolio.ts';
import { reprotectPositions } from '../execution/reprotect-positions.ts';
import { startHaltActions } from '../execution/halt-actions.ts';
import { startBreakerActions } from '../execution/breaker-actions.ts';
import { startDeadManSwitch } from '../execution/dead-man-switch.ts';
import { startPositionsService } from '../positions-service/positions-service.ts';
import type { CatalogQueueName } from '../queues/queue-catalog.ts';
import { describeError, TriplegainError } from '../shared/triplegain-error.ts';
import { takeInFills } from '../positions/take-in-fills.ts';
import { startSystemEventRecorder } from '../workers/system-event-recorder.ts';
import type { RebalanceTiming } from '../workers/handlers/portfolio-handlers.ts';
import { startTaskWorkers } from '../workers/start-task-workers.ts';
import type { TaskDeps } from '../workers/task-deps.ts';
import { buildTaskDeps } from './build-task-deps.ts';
import type { Runtime } from './open-runtime.ts';

export interface WorkerRole {
  deps: TaskDeps;
  control: ControlPlane;
  degradation: DegradationMonitor;
  exchange: ExchangePort;
  /** Stops the workers (active jobs get `app.shutdownDeadlineMs`), then what they used. */
  stop(): Promise<void>;
}

/**
 * Everything a worker process runs: the event-log recorder, the alerts (the dispatcher from the
 * bus and the delivery worker, when `alerts` configures a receiver), the trading state and degradation
 * level (restored from the database if Redis lost them), the dead man's switch on Kraken (one
 * holder in the cluster), a re-protection before any worker starts (`reprotectPositions`: our
 * orders reconciled with the exchange, then every open position's stop placed again, entries
 * held until then; a start that cannot reconcile fails), the coordinator and the positions
 * service on the bus, and the queue workers (all queues, or `queues`), with the exchange of
 * `execution.exchange` behind execution and the account read from it for risk.
 */
export interface WorkerRoleOptions {
  queues?: readonly CatalogQueueName[];
  overrides?: { clock?: Clock; candles?: CandleSource };
  /** How rebalance legs wait for their orders (the demo wakes them itself, bar by bar). */
  rebalance?: RebalanceTiming;
}

export async function startWorkerRole(rt: Runtime, options: WorkerRoleOptions = {}): Promise<WorkerRole> {
  const { config, logger } = rt;
  const db = rt.database!.db;
  const degradation = new DegradationMonitor({
    redis: rt.redis,
    keys: rt.keys,
    bus: rt.bus,
    config: config.degradation,
    clock: rt.clock,
    logger,
  });
  const built = await buildTaskDeps(rt, degradation, options.overrides);
  const stops: (() => Promise<void>)[] = [() => built.close()];
  try {
    await startSystemEventRecorder({ bus: rt.bus, db });
    const alerts = built.alerts;
    if (alerts.enabled) {
      // Before anything that raises: the dispatcher's groups start from new messages.
      await startAlertDispatcher({ bus: rt.bus, alerts });
      const delivery = startAlertDelivery({
        connection: built.deps.connection,
        redis: rt.redis,
        keys: rt.keys,
        config: config.alerts,
        logger,
      });
      stops.push(() => delivery.close());
    }
    const control = new ControlPlane({
      redis: rt.redis,
      keys: rt.keys,
      connection: built.deps.connection,
      bus: rt.bus,
      logger,
    });
    const recovered = await control.recover(db);
    const controlWatch = startControlWatch({
      control,
      redis: rt.redis,
      db,
      keys: rt.keys,
      connection: built.deps.connection,
      logger,
    });
    stops.push(() => controlWatch.stop());
    const level = await recoverDegradation({ redis: rt.redis, keys: rt.keys, db, nowMs: Date.now() });
    logger.info(
      { state: recovered.state, stateFrom: recovered.source, degradation: level.level, degradationFrom: level.source },
      'trading state and degradation level',
    );

    const exchange = openExchange(rt, built.deps.clock, built.deps.instruments);
    const protection = {
      config,
      db,
      redis: rt.redis,
      keys: rt.keys,
      clock: built.deps.clock,
      logger,
      exchange,
      instruments: built.deps.instruments,
      alerts,
    };
    const { deadManSwitchSec, deadManSwitchLeaseMs } = config.execution.kraken;
    if (exchange instanceof KrakenExchange && deadManSwitchSec > 0) {
      const deadMan = startDeadManSwitch({
        exchange,
        redis: rt.redis,
        keys: rt.keys,
        timeoutSec: deadManSwitchSec,
        leaseMs: deadManSwitchLeaseMs,
        logger,
        onMayHaveFired: () => reprotectPositions(protection, 'dead-man-switch'),
      });
      stops.push(() => deadMan.stop());
    }
    // Nothing trades before our orders agree with the exchange and every open position's stop
    // rests again (the switch may have fired while no worker ran): a start that cannot
    // reconcile fails; a stop that cannot be placed holds entries until one is.
    await reprotectPositions(protection, 'worker-start');
    const portfolio = exchangePortfolio({
      db,
      exchange,
      account: exchange.name,
      cashAsset: config.symbols.cashAsset,
      timeframe: config.marketData.timeframe,
      margin: config.execution.margin,
      // Paper balances are the database's, read fresh: nothing to share.
      ...(exchange.name === 'kraken' ? { balancesMaxAgeMs: config.execution.kraken.balanceMaxAgeMs } : {}),
    });
    // The positions service, the halt and the breaker actions: what protection uses, and the bus.
    const services = { ...protection, bus: rt.bus };
    const riskJobs = new Queue('risk', { connection: built.deps.connection, prefix: rt.keys.queuePrefix });
    stops.push(() => riskJobs.close());
    await startCoordinator({
      config,
      db,
      bus: rt.bus,
      clock: rt.clock,
      logger,
      gateway: built.deps.gateway,
      control,
      degradation,
      portfolio,
      riskQueue: riskJobs,
    });
    await startPositionsService(services);
    await startHaltActions(services);
    await startBreakerActions(services);
    // Runs once the task workers have stopped (stops run in reverse): a planned stop leaves no
    // fill recorded and not yet in its position (the next bar would have taken it in). Takes
    // nothing in twice, whoever else does it at the same moment.
    stops.push(async () => {
      await takeInFills(protection).catch((err: unknown) =>
        logger.warn({ err: describeError(err) }, 'fills not taken in at stop: the next start takes them in'),
      );
    });
    const workers = await startTaskWorkers(built.deps, {
      queues: options.queues,
      risk: { control, portfolio },
      ...(options.rebalance ? { rebalance: options.rebalance } : {}),
      exchange,
      onOutcome: (outcome) => {
        if (outcome.ok) void degradation.recordSuccess(`task:${outcome.queue}`);
        // Too little history is not a fault: the next run, with more candles, succeeds.
        else if (!(outcome.error instanceof InsufficientDataError))
          void degradation.recordFailure(`task:${outcome.queue}`, outcome.error);
      },
    });
    stops.push(() => workers.close(config.app.shutdownDeadlineMs));
    return {
      deps: built.deps,
      control,
      degradation,
      exchange,
      async stop() {
        for (const stop of stops.reverse()) await stop();
      },
    };
  } catch (err) {
    for (const stop of stops.reverse()) await stop();
    throw err;
  }
}

/** The exchange of `execution.exchange`: the paper exchange, or Kraken with the account's keys. */
function openExchange(rt: Runtime, clock: Clock, instruments: InstrumentBook): ExchangePort {
  const { config, logger } = rt;
  if (config.execution.exchange === 'paper') {
    return new PaperExchange({
      db: rt.database!.db,
      config: { ...config.execution.paper, cashAsset: config.symbols.cashAsset },
      clock,
      instruments,
    });
  }
  const kraken = config.execution.kraken;
  if (!kraken.apiKey || !kraken.apiSecret) {
    throw new TriplegainError(
      'CONFIG_INVALID',
      'execution.exchange is kraken but KRAKEN_API_KEY / KRAKEN_API_SECRET are not set',
    );
  }
  const publicLimiter = new KrakenRateLimiter({
    redis: rt.redis,
    key: rt.keys.rateLimit('kraken:public'),
    ...config.marketData.kraken.publicRateLimit,
  });
  const client = new KrakenPrivateClient({ config: kraken, redis: rt.redis, keys: rt.keys, publicLimiter, logger });
  return new KrakenExchange({
    client,
    clock,
    logger,
    margin: config.execution.margin,
    openOrdersPerPair: KRAKEN_OPEN_ORDERS_PER_PAIR[kraken.tier],
  });
}
