import { Decimal, type DecimalValue } from '../model/decimal.ts';
import { and, asc, eq, gte, lt, sql } from 'drizzle-orm';
import { AuditContext } from '../audit/audit-context.ts';
import type { AuditReport } from '../audit/audit-report.ts';
import { runAudit } from '../audit/run-audit.ts';
import type { Db } from '../db/open-database.ts';
import { coordinatorDecisions } from '../db/schema/coordinator-decisions.ts';
import { fills } from '../db/schema/fills.ts';
import { llmCalls } from '../db/schema/llm-calls.ts';
import { orders } from '../db/schema/orders.ts';
import { portfolioSnapshots } from '../db/schema/portfolio-snapshots.ts';
import { positions } from '../db/schema/positions.ts';
import { riskDecisions } from '../db/schema/risk-decisions.ts';
import { tradingSignals } from '../db/schema/trading-signals.ts';
import { rebalanceIds } from '../portfolio/rebalance-ids.ts';
import { RiskState } from '../risk/risk-state.ts';
import { performanceSection, type PerformanceSection } from './performance-section.ts';

/** What a replay did, from the database alone: the same data and config give the same report. */
export interface DemoReport {
  /** Market time; `bars` per pair at `timeframe`. */
  period: { from: string; to: string; timeframe: string; bars: number };
  pairs: readonly string[];
  /** The asset every amount of the report is in (`symbols.cashAsset`); the fields keep their `Usd` names. */
  cashAsset: string;
  signals: Record<string, number>;
  coordinator: Record<string, number>;
  risk: { approved: number; denied: number; denialsByRule: Record<string, number>; breakerTrips: BreakerTripRecord[] };
  /** The trading state when the replay ended (HALTED after a drawdown breaker, until a reset). */
  finalTradingState: string;
  orders: Record<string, number>;
  trades: { fills: number; closedPositions: number; wins: number; losses: number; openPositions: number };
  money: {
    startingEquityUsd: string;
    finalEquityUsd: string;
    returnPct: string;
    realizedPnlUsd: string;
    unrealizedPnlUsd: string;
    feesUsd: string;
    maxDrawdownPct: string;
  };
  /**
   * Rebalances that proposed trades, and what became of those trades: approved or denied by
   * risk, and filled on the exchange.
   */
  rebalances: { count: number; approved: number; denied: number; filled: number };
  /** Model and strategy calls by provider, model, purpose and outcome; `reason`: the most frequent error of a failed group. */
  models: {
    provider: string;
    model: string;
    purpose: string;
    outcome: string;
    calls: number;
    costUsd: string;
    reason: string | null;
  }[];
  /** Equity at the end of every bar: [bar open ms, equity]. */
  equityCurve: [number, string][];
  /** `runAudit` of the account at the end of the replay: a violation makes the demo fail. */
  audit: AuditReport;
  /**
   * Every order the replay placed on the account and every fill, in market-time order with
   * nothing of wall time or random ids: two replays of the same data and config give equal
   * logs, which is how a change to the pipeline's speed shows it traded exactly as before.
   */
  executions: { orders: OrderRecord[]; fills: FillRecord[] };
  /** Where the equity change came from, against what holding would have made, and the trades. */
  performance: PerformanceSection;
}

/** An order as the replay left it. */
export interface OrderRecord {
  symbol: string;
  side: string;
  type: string;
  purpose: string;
  status: string;
  quantity: string;
  filledQuantity: string;
  avgFillPrice: string | null;
  limitPrice: string | null;
  triggerPrice: string | null;
  feeUsd: string;
}

/** A fill, with the purpose of its order. */
export interface FillRecord {
  /** Market time (ISO). */
  filledAt: string;
  symbol: string;
  side: string;
  purpose: string;
  quantity: string;
  price: string;
  feeUsd: string;
}

/** A breaker trip as the risk decisions recorded it: which breaker, when (market time), at what loss. */
export interface BreakerTripRecord {
  breaker: string;
  at: string;
  lossPct: string;
}

/** Two decimals, never "-0.00". */
const usd = (d: DecimalValue) => {
  const s = new Decimal(d).toFixed(2);
  return s === '-0.00' ? '0.00' : s;
};

const count = (rows: { key: string | null; n: number }[]) =>
  Object.fromEntries(rows.map((r) => [r.key ?? '-', Number(r.n)]));

export async function buildDemoReport(
  db: Db,
  args: {
    account: string;
    fromMs: number;
    toMs: number;
    timeframe: string;
    barMs: number;
    /** `portfolio.targets`: the benchmark holds them. */
    targets: Readonly<Record<string, number>>;
    startingCashUsd: string;
    cashAsset: string;
    pairs: readonly string[];
    finalTradingState: string;
  },
): Promise<DemoReport> {
  const from = new Date(args.fromMs);
  const to = new Date(args.toMs);
  const signals = await db
    .select({ key: tradingSignals.action, n: sql<number>`count(*)` })
    .from(tradingSignals)
    .where(and(gte(tradingSignals.candleOpenTime, from), lt(tradingSignals.candleOpenTime, to)))
    .groupBy(tradingSignals.action);
  const outcomes = await db
    .select({ key: coordinatorDecisions.outcome, n: sql<number>`count(*)` })
    .from(coordinatorDecisions)
    .groupBy(coordinatorDecisions.outcome);
  const decisions = await db
    .select({
      proposalId: riskDecisions.proposalId,
      decision: riskDecisions.decision,
      reasons: riskDecisions.reasons,
      riskState: riskDecisions.riskState,
    })
    .from(riskDecisions);
  const denialsByRule: Record<string, number> = {};
  for (const d of decisions.filter((x) => x.decision === 'denied')) {
    for (const reason of d.reasons as { rule: string }[])
      denialsByRule[reason.rule] = (denialsByRule[reason.rule] ?? 0) + 1;
  }
  const orderRows = await db
    .select({ key: sql<string>`${orders.purpose} || ' ' || ${orders.status}`, n: sql<number>`count(*)` })
    .from(orders)
    .where(eq(orders.exchange, args.account))
    .groupBy(orders.purpose, orders.status);
  const ordersByPurposeStatus = count(orderRows);
  const [fillTotals] = await db
    .select({ n: sql<number>`count(*)`, fees: sql<string>`coalesce(sum(${fills.feeUsd}), 0)` })
    .from(fills);
  const positionRows = await db.select().from(positions).where(eq(positions.account, args.account));
  const closed = positionRows.filter((p) => p.status === 'closed');
  const realized = positionRows.reduce((sum, p) => sum.plus(p.realizedPnlUsd), new Decimal(0));

  const rebalanceDecisions = decisions.filter((d) => rebalanceIds.rebalanceOfProposal(d.proposalId) !== null);

  const snapshots = await db
    .select({
      at: portfolioSnapshots.at,
      equity: portfolioSnapshots.equityUsd,
      unrealized: portfolioSnapshots.unrealizedPnlUsd,
      id: portfolioSnapshots.id,
    })
    .from(portfolioSnapshots)
    .where(
      and(
        eq(portfolioSnapshots.account, args.account),
        gte(portfolioSnapshots.at, from),
        lt(portfolioSnapshots.at, to),
      ),
    )
    .orderBy(asc(portfolioSnapshots.at), asc(portfolioSnapshots.id));
  // One point per bar: the last snapshot taken at it (every pair's bar takes one).
  const perBar = new Map<number, { equity: string; unrealized: string }>();
  for (const s of snapshots) perBar.set(s.at.getTime(), { equity: s.equity, unrealized: s.unrealized });
  const equityCurve = [...perBar.entries()].map(
    ([at, s]) => [at, new Decimal(s.equity).toFixed(2)] as [number, string],
  );
  let peak = new Decimal(args.startingCashUsd);
  let maxDrawdown = new Decimal(0);
  for (const [, equity] of equityCurve) {
    const e = new Decimal(equity);
    if (e.gt(peak)) peak = e;
    const dd = peak.minus(e).div(peak).times(100);
    if (dd.gt(maxDrawdown)) maxDrawdown = dd;
  }
  const last = [...perBar.values()].at(-1);
  const finalEquity = new Decimal(last?.equity ?? args.startingCashUsd);
  const start = new Decimal(args.startingCashUsd);

  const models = await db
    .select({
      provider: llmCalls.provider,
      model: llmCalls.model,
      purpose: llmCalls.purpose,
      outcome: llmCalls.outcome,
      calls: sql<number>`count(*)`,
      costUsd: sql<string>`coalesce(sum(${llmCalls.costUsd}), 0)`,
      // Why a strategy abstained, or a model failed: one reason, the most frequent.
      reason: sql<string | null>`mode() within group (order by ${llmCalls.error})`,
    })
    .from(llmCalls)
    .groupBy(llmCalls.provider, llmCalls.model, llmCalls.purpose, llmCalls.outcome)
    .orderBy(llmCalls.provider, llmCalls.model, llmCalls.purpose, llmCalls.outcome);

  const audit = await runAudit(
    db,
    AuditContext.parse({
      account: args.account,
      paper: { startingCashUsd: args.startingCashUsd, cashAsset: args.cashAsset },
    }),
  );

  const executions = await executionsOf(db, args.account);
  const performance = await performanceSection(db, {
    account: args.account,
    fromMs: args.fromMs,
    toMs: args.toMs,
    barMs: args.barMs,
    timeframe: args.timeframe,
    pairs: args.pairs,
    targets: args.targets,
    startingEquityUsd: usd(start),
    finalEquityUsd: usd(finalEquity),
    equityCurve,
    fills: executions.fills,
  });

  return {
    period: { from: from.toISOString(), to: to.toISOString(), timeframe: args.timeframe, bars: perBar.size },
    pairs: args.pairs,
    cashAsset: args.cashAsset,
    signals: count(signals),
    coordinator: count(outcomes),
    risk: {
      approved: decisions.filter((d) => d.decision === 'approved').length,
      denied: decisions.filter((d) => d.decision === 'denied').length,
      denialsByRule,
      breakerTrips: breakerTripsOf(decisions.map((d) => d.riskState)),
    },
    finalTradingState: args.finalTradingState,
    orders: ordersByPurposeStatus,
    trades: {
      fills: Number(fillTotals?.n ?? 0),
      closedPositions: closed.length,
      wins: closed.filter((p) => new Decimal(p.realizedPnlUsd).gt(0)).length,
      losses: closed.filter((p) => new Decimal(p.realizedPnlUsd).lt(0)).length,
      openPositions: positionRows.length - closed.length,
    },
    money: {
      startingEquityUsd: usd(start),
      finalEquityUsd: usd(finalEquity),
      returnPct: usd(finalEquity.minus(start).div(start).times(100)),
      realizedPnlUsd: usd(realized),
      unrealizedPnlUsd: usd(last?.unrealized ?? 0),
      feesUsd: usd(fillTotals?.fees ?? 0),
      maxDrawdownPct: usd(maxDrawdown),
    },
    rebalances: {
      count: new Set(rebalanceDecisions.map((d) => rebalanceIds.rebalanceOfProposal(d.proposalId))).size,
      approved: rebalanceDecisions.filter((d) => d.decision === 'approved').length,
      denied: rebalanceDecisions.filter((d) => d.decision === 'denied').length,
      filled: ordersByPurposeStatus['rebalance filled'] ?? 0,
    },
    models: models.map((m) => ({ ...m, calls: Number(m.calls), costUsd: new Decimal(m.costUsd).toFixed(4) })),
    equityCurve,
    audit,
    executions,
    performance,
  };
}

/** The account's orders and fills, each list in one canonical order made of its own fields. */
async function executionsOf(db: Db, account: string): Promise<DemoReport['executions']> {
  const orderRows = await db
    .select({
      symbol: orders.symbol,
      side: orders.side,
      type: orders.type,
      purpose: orders.purpose,
      status: orders.status,
      quantity: orders.quantity,
      filledQuantity: orders.filledQuantity,
      avgFillPrice: orders.avgFillPrice,
      limitPrice: orders.limitPrice,
      triggerPrice: orders.triggerPrice,
      feeUsd: orders.feeUsd,
    })
    .from(orders)
    .where(eq(orders.exchange, account));
  const fillRows = await db
    .select({
      filledAt: fills.filledAt,
      symbol: fills.symbol,
      side: fills.side,
      purpose: orders.purpose,
      quantity: fills.quantity,
      price: fills.price,
      feeUsd: fills.feeUsd,
    })
    .from(fills)
    .innerJoin(orders, eq(orders.clientOrderId, fills.clientOrderId))
    .where(eq(orders.exchange, account));
  const canonical = <T extends object>(rows: T[]) =>
    rows
      .map((row) => ({ row, key: JSON.stringify(Object.values(row)) }))
      .sort((a, b) => (a.key < b.key ? -1 : a.key > b.key ? 1 : 0))
      .map((x) => x.row);
  return {
    orders: canonical(orderRows),
    fills: canonical(fillRows.map((f) => ({ ...f, filledAt: f.filledAt.toISOString() }))),
  };
}

/** Every trip the decisions' risk states show (each decision stores the state it was taken in), once, in time order. */
function breakerTripsOf(states: readonly unknown[]): BreakerTripRecord[] {
  const trips = new Map<string, { breaker: string; atMs: number; lossPct: string }>();
  for (const raw of states) {
    const state = RiskState.safeParse(raw);
    if (!state.success) continue;
    for (const [breaker, status] of Object.entries(state.data.breakers)) {
      if (status.tripped && status.trippedAtMs !== null)
        trips.set(`${breaker}@${status.trippedAtMs}`, {
          breaker,
          atMs: status.trippedAtMs,
          lossPct: status.lossPct ?? '0',
        });
    }
  }
  return [...trips.values()]
    .sort((a, b) => a.atMs - b.atMs || a.breaker.localeCompare(b.breaker))
    .map((t) => ({ breaker: t.breaker, at: new Date(t.atMs).toISOString(), lossPct: usd(t.lossPct) }));
}
