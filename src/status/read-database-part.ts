import { and, asc, desc, eq, gte, inArray, lt } from 'drizzle-orm';
import { utcDayStartMs } from '../clock/utc-periods.ts';
import type { Db } from '../db/open-database.ts';
import { candles } from '../db/schema/candles.ts';
import { coordinatorDecisions } from '../db/schema/coordinator-decisions.ts';
import { orders, type OrderRow } from '../db/schema/orders.ts';
import { portfolioSnapshots, type PortfolioSnapshotRow } from '../db/schema/portfolio-snapshots.ts';
import { riskDecisions } from '../db/schema/risk-decisions.ts';
import type { Timeframe } from '../market/timeframes.ts';
import { reconcilableOrderStatuses } from '../orders/order-status.ts';
import type { Position } from '../positions/position.ts';
import { Dec, toStoredDecimal } from '../positions/position-decimal.ts';
import { loadOpenPositions } from '../positions/position-store.ts';
import { valuePosition } from '../positions/valuation.ts';
import type { DatabasePart, DecisionStatus, OpenOrderStatus, PositionStatus, TodayPnlSection } from './status-document.ts';

/** Decisions shown, newest first. */
const DECISIONS_SHOWN = 5;
/** Stop-loss orders with these statuses rest on the exchange (it has acknowledged them). */
const ON_EXCHANGE: readonly string[] = ['open', 'partially_filled'];

export interface DatabasePartArgs {
  db: Db;
  account: string;
  timeframe: Timeframe;
  nowMs: number;
}

/**
 * What the database knows about the account: the latest valuation and today's P&L, each
 * open position at its mark with its stop, the working orders, and the last decisions. The
 * queries run at once. Reads only.
 */
export async function readDatabasePart(args: DatabasePartArgs): Promise<DatabasePart> {
  const { db, account } = args;
  const dayStartMs = utcDayStartMs(args.nowMs);
  const [positions, working, latest, before, firstToday, decisions] = await Promise.all([
    loadOpenPositions(db, account),
    db
      .select()
      .from(orders)
      .where(and(eq(orders.exchange, account), inArray(orders.status, [...reconcilableOrderStatuses])))
      .orderBy(desc(orders.createdAt), desc(orders.clientOrderId)),
    first(db.select().from(portfolioSnapshots).where(eq(portfolioSnapshots.account, account)).orderBy(desc(portfolioSnapshots.at)).limit(1)),
    first(db.select().from(portfolioSnapshots).where(and(eq(portfolioSnapshots.account, account), lt(portfolioSnapshots.at, new Date(dayStartMs)))).orderBy(desc(portfolioSnapshots.at)).limit(1)),
    first(db.select().from(portfolioSnapshots).where(and(eq(portfolioSnapshots.account, account), gte(portfolioSnapshots.at, new Date(dayStartMs)))).orderBy(asc(portfolioSnapshots.at)).limit(1)),
    lastDecisions(db),
  ]);
  const marks = await Promise.all(positions.map((p) => latestBar(db, p.symbol, args.timeframe)));

  return {
    available: true,
    account,
    portfolio: latest
      ? { valuedAtMs: latest.at.getTime(), equityUsd: latest.equityUsd, cashUsd: latest.cashUsd, exposureUsd: latest.exposureUsd, unrealizedPnlUsd: latest.unrealizedPnlUsd }
      : null,
    today: todayPnl(latest, before ?? firstToday, dayStartMs),
    positions: positions.map((p, i) => positionStatus(p, marks[i] ?? null, working)),
    // Oldest first, as people read a list of orders.
    openOrders: working.map(openOrder).reverse(),
    decisions,
  };
}

async function first<T>(rows: Promise<T[]>): Promise<T | undefined> {
  return (await rows)[0];
}

/** The latest stored bar's close and open time: the mark `markOf` values a position at. */
async function latestBar(db: Db, symbol: string, timeframe: Timeframe): Promise<{ close: string; openTimeMs: number } | null> {
  const row = await first(
    db
      .select({ close: candles.close, openTime: candles.openTime })
      .from(candles)
      .where(and(eq(candles.symbol, symbol), eq(candles.timeframe, timeframe)))
      .orderBy(desc(candles.openTime))
      .limit(1),
  );
  return row ? { close: toStoredDecimal(new Dec(row.close)), openTimeMs: row.openTime.getTime() } : null;
}

/** See `TodayPnlSection`: null unless the latest snapshot is of today. */
function todayPnl(latest: PortfolioSnapshotRow | undefined, base: PortfolioSnapshotRow | undefined, dayStartMs: number): TodayPnlSection | null {
  if (!latest || !base || latest.at.getTime() < dayStartMs) return null;
  return {
    dayStartMs,
    baseEquityUsd: base.equityUsd,
    baseAtMs: base.at.getTime(),
    equityUsd: latest.equityUsd,
    pnlUsd: toStoredDecimal(new Dec(latest.equityUsd).minus(base.equityUsd)),
  };
}

function positionStatus(position: Position, mark: { close: string; openTimeMs: number } | null, working: readonly OrderRow[]): PositionStatus {
  const valued = mark ? valuePosition(position, mark.close) : null;
  // Newest first (the query's order): the one a stop sync left working.
  const stops = working.filter((o) => o.symbol === position.symbol && o.purpose === 'stop_loss');
  const resting = stops.find((o) => ON_EXCHANGE.includes(o.status));
  const shown = resting ?? stops[0];
  const { stopLoss, takeProfit, trailing } = position.protection;
  return {
    symbol: position.symbol,
    side: position.side,
    quantity: position.quantity,
    avgEntryPrice: position.avgEntryPrice,
    leverage: position.leverage,
    markPrice: mark?.close ?? null,
    markAtMs: mark?.openTimeMs ?? null,
    unrealizedPnlUsd: valued?.unrealizedPnlUsd ?? null,
    realizedPnlUsd: position.realizedPnlUsd,
    openedAtMs: position.openedAtMs,
    stop: {
      stopLoss,
      trailingStop: trailing?.stopPrice ?? null,
      takeProfit,
      onExchange: resting !== undefined,
      order: shown ? { clientOrderId: shown.clientOrderId, status: shown.status, triggerPrice: shown.triggerPrice, quantity: shown.quantity } : null,
    },
  };
}

function openOrder(o: OrderRow): OpenOrderStatus {
  return {
    clientOrderId: o.clientOrderId,
    exchangeOrderId: o.exchangeOrderId,
    symbol: o.symbol,
    side: o.side,
    type: o.type,
    purpose: o.purpose,
    status: o.status,
    quantity: o.quantity,
    filledQuantity: o.filledQuantity,
    limitPrice: o.limitPrice,
    triggerPrice: o.triggerPrice,
    createdAtMs: o.createdAt.getTime(),
  };
}

/** The coordinator's last decisions, newest first, with the risk verdict on each proposal. */
async function lastDecisions(db: Db): Promise<DecisionStatus[]> {
  const rows = await db
    .select({
      createdAt: coordinatorDecisions.createdAt,
      signalId: coordinatorDecisions.signalId,
      symbol: coordinatorDecisions.symbol,
      action: coordinatorDecisions.action,
      outcome: coordinatorDecisions.outcome,
      proposalId: coordinatorDecisions.proposalId,
      risk: riskDecisions.decision,
    })
    .from(coordinatorDecisions)
    .leftJoin(riskDecisions, eq(riskDecisions.proposalId, coordinatorDecisions.proposalId))
    .orderBy(desc(coordinatorDecisions.createdAt), desc(coordinatorDecisions.signalId))
    .limit(DECISIONS_SHOWN);
  return rows.map((r) => ({ atMs: r.createdAt.getTime(), signalId: r.signalId, symbol: r.symbol, action: r.action, outcome: r.outcome, proposalId: r.proposalId, risk: r.risk }));
}
