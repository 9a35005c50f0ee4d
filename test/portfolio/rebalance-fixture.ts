import type { Job } from 'bullmq';
import { eq } from 'drizzle-orm';
import { orders, type OrderRow } from '../../src/db/schema/orders.ts';
import { positions } from '../../src/db/schema/positions.ts';
import type { ExchangePort } from '../../src/exchange/exchange-port.ts';
import {
  readPaperBalances,
  withLockedPaperAccount,
  writePaperBalances,
} from '../../src/exchange/paper/paper-account-store.ts';
import { PaperExchange } from '../../src/exchange/paper/paper-exchange.ts';
import type { PaperFill } from '../../src/exchange/paper/paper-fill.ts';
import type { PriceBarInput } from '../../src/model/price-bar.ts';
import type { Candle } from '../../src/model/candle.ts';
import { saveCandles } from '../../src/market/candle-store.ts';
import { exchangePortfolio } from '../../src/portfolio/exchange-portfolio.ts';
import { onClosedBar } from '../../src/positions-service/positions-service.ts';
import type { PortfolioTickResult } from '../../src/portfolio/portfolio-tick-result.ts';
import type { PortfolioReader } from '../../src/risk/portfolio-reader.ts';
import { silentLogger } from '../../src/shared/logger.ts';
import type { RebalanceTiming } from '../../src/workers/handlers/portfolio-handlers.ts';
import { startTaskWorkers, type TaskWorkers } from '../../src/workers/start-task-workers.ts';
import { aPositionRow } from '../support/builders.ts';
import { createTaskHarness, type TaskHarness } from '../support/task-harness.ts';
import { waitFor } from '../support/wait-for.ts';

/** 2024-03-01 00:00 UTC, on the hour. */
export const START_MS = Date.UTC(2024, 2, 1);
const HOUR_MS = 3_600_000;

/** What reached the paper exchange, in order: placements and fills. */
export interface ExchangeEvent {
  kind: 'placed' | 'filled';
  clientOrderId: string;
  symbol: string;
  side: 'buy' | 'sell';
  quantity: string;
}

export interface RebalanceFixture {
  h: TaskHarness;
  paper: PaperExchange;
  /** The paper exchange behind a tap that logs every placement and fill into `events`. */
  exchange: ExchangePort & { onPrice(symbol: string, bar: PriceBarInput): Promise<PaperFill[]> };
  events: ExchangeEvent[];
  /** Close per symbol of the next bars. */
  prices: Record<string, string>;
  /** Starts portfolio, risk and execution workers (a "process"); legs poll every 100 ms and wait up to a day of market time (or `timing`). */
  startWorkers(): Promise<TaskWorkers>;
  /** Sets paper balances (the cash asset's included). */
  seedBalances(balances: Record<string, string>): Promise<void>;
  /** Stores an open long position (spot, leverage 1), as fills would have left it. */
  seedLong(symbol: string, quantity: string, avgEntryPrice: string): Promise<void>;
  /** One more closed bar per symbol at `prices`: stored, shown to the paper exchange, orders and positions brought up to date. */
  nextBar(): Promise<void>;
  /** Adds a portfolio tick and waits for its result. */
  tick(): Promise<PortfolioTickResult>;
  rebalanceOrders(): Promise<OrderRow[]>;
  balances(): Promise<Record<string, string>>;
  cleanup(): Promise<void>;
}

/**
 * Real portfolio, risk and execution workers on Redis and PostgreSQL, the paper exchange, and
 * bars fed by hand (the market clock moves one hour per bar). Risk reads the paper account.
 */
export async function rebalanceFixture(
  config: Record<string, unknown>,
  prices: Record<string, string>,
  timing: RebalanceTiming = {},
): Promise<RebalanceFixture> {
  // Risk reads the paper account, which needs the harness's database: bound once that exists.
  const ref: { account?: PortfolioReader } = {};
  const reader: PortfolioReader = {
    equityUsd: () => ref.account!.equityUsd(),
    openPositions: () => ref.account!.openPositions(),
    freeCashUsd: () => ref.account!.freeCashUsd(),
  };
  const h = await createTaskHarness({
    clockMs: START_MS,
    portfolio: reader,
    config: {
      symbols: { pairs: Object.keys(prices) },
      // Rebalancing toward a third of equity per asset: room for it under the position caps.
      risk: { maxPositionPct: 45, maxExposurePct: 100 },
      ...config,
    },
  });
  const paper = new PaperExchange({
    db: h.database.db,
    config: { ...h.config.execution.paper, cashAsset: 'USD' },
    clock: h.clock,
    instruments: h.deps.instruments,
  });
  ref.account = exchangePortfolio({
    db: h.database.db,
    exchange: paper,
    account: 'paper',
    cashAsset: 'USD',
    timeframe: '1h',
  });
  const events: ExchangeEvent[] = [];
  const exchange: RebalanceFixture['exchange'] = {
    name: 'paper',
    async placeOrder(request, signal) {
      const placed = await paper.placeOrder(request, signal);
      events.push({
        kind: 'placed',
        clientOrderId: request.clientOrderId,
        symbol: request.symbol,
        side: request.side,
        quantity: request.quantity,
      });
      return placed;
    },
    cancelOrder: (id, signal) => paper.cancelOrder(id, signal),
    openOrders: (signal) => paper.openOrders(signal),
    closedOrders: (sinceMs, signal) => paper.closedOrders(sinceMs, signal),
    findByClientOrderId: (id, signal) => paper.findByClientOrderId(id, signal),
    balances: (signal) => paper.balances(signal),
    async onPrice(symbol, bar) {
      const fills = await paper.onPrice(symbol, bar);
      for (const f of fills)
        events.push({
          kind: 'filled',
          clientOrderId: f.clientOrderId,
          symbol: f.symbol,
          side: f.side,
          quantity: f.quantity,
        });
      return fills;
    },
  };
  const started: TaskWorkers[] = [];
  let barOpenMs = START_MS - HOUR_MS;
  const positionsDeps = {
    config: h.config,
    db: h.database.db,
    bus: h.t.bus,
    redis: h.t.redis,
    keys: h.t.keys,
    clock: h.clock,
    logger: silentLogger,
    exchange,
    instruments: h.deps.instruments,
  };

  const fixture: RebalanceFixture = {
    h,
    paper,
    exchange,
    events,
    prices,
    async startWorkers() {
      const workers = await startTaskWorkers(h.deps, {
        queues: ['portfolio', 'risk', 'execution'],
        risk: { control: h.control, portfolio: reader },
        exchange,
        rebalance: { pollMs: 100, settleTimeoutMs: 86_400_000, ...timing },
      });
      started.push(workers);
      return workers;
    },
    async seedBalances(balances) {
      await withLockedPaperAccount(
        h.database.db,
        { cashAsset: 'USD', startingCashUsd: h.config.execution.paper.startingCashUsd },
        h.clock.now(),
        (tx) => writePaperBalances(tx, balances, h.clock.now()),
      );
    },
    async seedLong(symbol, quantity, avgEntryPrice) {
      const at = new Date(h.clock.now());
      await h.database.db.insert(positions).values(aPositionRow(at, { symbol, quantity, avgEntryPrice }));
    },
    async nextBar() {
      barOpenMs += HOUR_MS;
      // The bar is closed an hour after it opened: that is when the market clock stands.
      h.clock.set(barOpenMs + HOUR_MS);
      const bars: Candle[] = Object.entries(fixture.prices).map(([symbol, close]) => ({
        symbol,
        timeframe: '1h',
        openTimeMs: barOpenMs,
        open: close,
        high: close,
        low: close,
        close,
        volume: '1000000000',
        trades: 100,
        gapFilled: false,
      }));
      await saveCandles(h.database.db, bars, 'replay');
      for (const bar of bars) await onClosedBar(positionsDeps, bar);
    },
    async tick() {
      const job: Job = await h
        .queue('portfolio')
        .add('tick', { task: 'portfolio' }, { jobId: `tick-${Date.now()}-${Math.random().toString(36).slice(2)}` });
      const done = await h.settled('portfolio', job.id!);
      if (done.state !== 'completed') throw new Error(`portfolio tick failed: ${done.failedReason}`);
      return done.returnvalue as PortfolioTickResult;
    },
    async rebalanceOrders() {
      return h.database.db.select().from(orders).where(eq(orders.purpose, 'rebalance'));
    },
    balances: () =>
      readPaperBalances(h.database.db, { cashAsset: 'USD', startingCashUsd: h.config.execution.paper.startingCashUsd }),
    async cleanup() {
      for (const w of started) await w.close(1_000);
      await h.cleanup();
    },
  };
  return fixture;
}

/** Feeds bars until `check` holds (each bar an hour of market time). */
export async function feedBarsUntil<T>(
  f: RebalanceFixture,
  check: () => Promise<T>,
  what: string,
  timeoutMs = 30_000,
): Promise<NonNullable<T>> {
  return waitFor(
    async () => {
      const value = await check();
      if (!value) await f.nextBar();
      return value;
    },
    what,
    timeoutMs,
    150,
  );
}
