import { Decimal } from 'decimal.js';
import { and, eq, inArray } from 'drizzle-orm';
import { auditContextOf } from '../../src/audit/audit-context.ts';
import type { AuditViolation } from '../../src/audit/audit-violation.ts';
import { runAudit } from '../../src/audit/run-audit.ts';
import { orders, type OrderRow } from '../../src/db/schema/orders.ts';
import { riskDecisions } from '../../src/db/schema/risk-decisions.ts';
import { PaperExchange } from '../../src/exchange/paper/paper-exchange.ts';
import type { ExitOrderDeps } from '../../src/execution/exit-orders.ts';
import { placeOrderOnce, type PlaceOrderOutcome } from '../../src/execution/place-order-once.ts';
import { saveCandles } from '../../src/market/candle-store.ts';
import type { Candle } from '../../src/model/candle.ts';
import { approvedClientOrderId } from '../../src/model/approved-order.ts';
import { reconcilableOrderStatuses } from '../../src/model/order-status.ts';
import { loadOpenPositions } from '../../src/positions/position-store.ts';
import { onClosedBar, type PositionsDeps } from '../../src/positions-service/positions-service.ts';
import type { Position } from '../../src/positions/position.ts';
import type { JobContext } from '../../src/queues/define-queue.ts';
import { OrderProposal } from '../../src/risk/order-proposal.ts';
import { silentLogger } from '../../src/shared/logger.ts';
import { executionHandlers } from '../../src/workers/handlers/execution-handlers.ts';
import { createTaskHarness, type TaskHarness } from './task-harness.ts';

export const HOUR = 3_600_000;
export const T0 = Date.UTC(2024, 0, 10, 10);

export interface BarPrices {
  open: string;
  high: string;
  low: string;
  close: string;
}

/**
 * One account's orders and positions on the real stores (Postgres, Redis) and the paper
 * exchange, driven step by step as the cluster drives them: approvals stored and carried out by
 * the execution handler, closed bars through the positions service (`onClosedBar`). What a
 * scenario does between steps is the test's; `audit()` checks the books after any of them.
 */
export class PositionScenario {
  private bars = 0;
  private proposals = 0;

  private constructor(
    readonly h: TaskHarness,
    readonly paper: PaperExchange,
    readonly deps: PositionsDeps & ExitOrderDeps,
    readonly symbol: string,
  ) {}

  static async start(
    options: { symbol?: string; price?: string; config?: Record<string, unknown> } = {},
  ): Promise<PositionScenario> {
    const symbol = options.symbol ?? 'BTC/USD';
    const h = await createTaskHarness({ clockMs: T0, config: options.config ?? {} });
    const paper = new PaperExchange({
      db: h.database.db,
      config: { ...h.config.execution.paper, cashAsset: 'USD' },
      clock: h.clock,
      instruments: h.deps.instruments,
    });
    const deps = {
      config: h.config,
      db: h.database.db,
      bus: h.t.bus,
      redis: h.t.redis,
      keys: h.t.keys,
      clock: h.clock,
      logger: silentLogger,
      exchange: paper,
      instruments: h.deps.instruments,
    };
    const scenario = new PositionScenario(h, paper, deps, symbol);
    await scenario.bar(flatBar(options.price ?? '40000'));
    return scenario;
  }

  /** Closes the next bar: the clock moves to its close, the candle is stored, the positions service runs. */
  async bar(prices: BarPrices): Promise<void> {
    const openTimeMs = T0 + this.bars * HOUR;
    this.bars += 1;
    const candle: Candle = {
      symbol: this.symbol,
      timeframe: '1h',
      openTimeMs,
      volume: '100000000',
      trades: 100,
      gapFilled: false,
      ...prices,
    };
    this.h.clock.set(openTimeMs + HOUR);
    await saveCandles(this.h.database.db, [candle], 'replay');
    await onClosedBar(this.deps, candle);
  }

  /** Stores an approval of `quantity` and carries it out through the execution handler, as an execution job would. */
  async approve(p: {
    side: 'buy' | 'sell';
    intent: 'entry' | 'exit';
    quantity: string;
    stopLoss?: string | null;
    takeProfit?: string | null;
    price?: string;
  }): Promise<{ proposalId: string; submit: () => Promise<unknown> }> {
    this.proposals += 1;
    const proposalId = `prop-${this.proposals}`;
    const proposal = OrderProposal.parse({
      proposalId,
      signalId: `sig-${this.proposals}`,
      correlationId: `corr-${this.proposals}`,
      symbol: this.symbol,
      side: p.side,
      intent: p.intent,
      entryPrice: p.price ?? '40000',
      stopLoss: p.stopLoss ?? null,
      takeProfit: p.takeProfit ?? null,
      sizePct: 1,
      leverage: 1,
      confidence: 0.9,
      regime: null,
      createdAtMs: this.h.clock.now(),
    });
    const decisionId = `appr-${proposalId}`;
    await this.h.database.db.insert(riskDecisions).values({
      decisionId,
      proposalId,
      signalId: proposal.signalId,
      correlationId: proposal.correlationId,
      symbol: this.symbol,
      decision: 'approved',
      proposal,
      notionalUsd: '1',
      quantity: p.quantity,
      adjustments: [],
      reasons: [],
      riskState: {},
    });
    const handlers = executionHandlers(this.deps, this.paper);
    // A job with one attempt: a failure is its last (the approval's reason is recorded at once).
    const ctx = {
      logger: silentLogger,
      signal: new AbortController().signal,
      token: undefined,
      job: { attemptsMade: 0, opts: { attempts: 1 } },
    } as unknown as JobContext;
    return { proposalId, submit: () => handlers.submit({ decisionId, proposalId }, ctx) };
  }

  /** An approved entry (buy), carried out now. */
  async enter(quantity: string, stopLoss: string | null = '39000', takeProfit: string | null = null): Promise<string> {
    const { proposalId, submit } = await this.approve({ side: 'buy', intent: 'entry', quantity, stopLoss, takeProfit });
    await submit();
    return approvedClientOrderId({ proposalId, intent: 'entry' });
  }

  /** An approved exit (sell) of `quantity`, carried out now. */
  async exit(quantity: string): Promise<unknown> {
    const { submit } = await this.approve({ side: 'sell', intent: 'exit', quantity });
    return submit();
  }

  /** Places an order directly, as an operator or another system might (cause `operator`). */
  place(
    input: Omit<
      Parameters<typeof placeOrderOnce>[2],
      'symbol' | 'decisionId' | 'proposalId' | 'correlationId' | 'cause'
    >,
  ): Promise<PlaceOrderOutcome> {
    return placeOrderOnce(
      this.deps,
      this.paper,
      {
        ...input,
        symbol: this.symbol,
        decisionId: null,
        proposalId: null,
        correlationId: 'operator',
        cause: 'operator',
      },
      { fenceIntent: 'exit', ttlMs: 5_000 },
    );
  }

  /** Buys `quantity` for the core allocation (a rebalance: balances, no position), filled on the next bar. */
  async holdCore(quantity: string): Promise<void> {
    await this.place({
      clientOrderId: `core-${quantity}-${this.bars}`,
      side: 'buy',
      type: 'market',
      intent: 'entry',
      purpose: 'rebalance',
      quantity,
    });
    await this.bar(flatBar('40000'));
  }

  async position(): Promise<Position | undefined> {
    return (await loadOpenPositions(this.h.database.db, 'paper')).find((p) => p.symbol === this.symbol);
  }

  async workingStops(): Promise<OrderRow[]> {
    return this.h.database.db
      .select()
      .from(orders)
      .where(
        and(
          eq(orders.symbol, this.symbol),
          eq(orders.purpose, 'stop_loss'),
          inArray(orders.status, [...reconcilableOrderStatuses]),
        ),
      );
  }

  async orders(): Promise<OrderRow[]> {
    return this.h.database.db.select().from(orders).where(eq(orders.symbol, this.symbol));
  }

  /** The unfilled quantity of every working reduce-only order of the pair, together. */
  async restingReduceOnly(): Promise<Decimal> {
    return (await this.orders())
      .filter((o) => o.reduceOnly && reconcilableOrderStatuses.includes(o.status))
      .reduce((sum, o) => sum.plus(o.quantity).minus(o.filledQuantity), new Decimal(0));
  }

  audit(): Promise<AuditViolation[]> {
    return runAudit(this.h.database.db, auditContextOf(this.h.config)).then((r) => r.violations);
  }

  cleanup(): Promise<void> {
    return this.h.cleanup();
  }
}

export function flatBar(price: string): BarPrices {
  return { open: price, high: price, low: price, close: price };
}
