import { and, asc, eq, gte, inArray, lt } from 'drizzle-orm';
import type { Db } from '../db/open-database.ts';
import { candles } from '../db/schema/candles.ts';
import { fills } from '../db/schema/fills.ts';
import { orders } from '../db/schema/orders.ts';
import { positionFills } from '../db/schema/position-fills.ts';
import { positions } from '../db/schema/positions.ts';
import { Decimal, type DecimalValue } from '../model/decimal.ts';
import type { FillRecord } from './demo-report.ts';
import { holdingReturnPct, reconcile, tradeStatistics, type AccountedFill, type Trade } from './performance-figures.ts';

/** Two decimals, never "-0.00"; null stays null. */
const fixed = (d: DecimalValue | null, places = 2): string | null => {
  if (d === null) return null;
  const s = new Decimal(d).toFixed(places);
  return /^-0\.?0*$/.test(s) ? s.slice(1) : s;
};

/** The report's accounting: reconciliation, benchmarks, per-pair table, trade list and statistics. */
export interface PerformanceSection {
  /** equity change = strategy + core allocation + cash flows (+ unexplained, which must be 0.00). */
  reconciliation: {
    equityChangeUsd: string;
    strategyPnlUsd: string;
    strategyFeesUsd: string;
    corePnlUsd: string;
    coreFeesUsd: string;
    cashFlowsUsd: string;
    unexplainedUsd: string;
  };
  /** Returns in % of holding from the first bar's close to the last, without fees. */
  benchmarks: {
    targetsReturnPct: string;
    pairs: Record<string, string>;
    /** The starting equity held in the targets, valued at each bar's close: [bar open ms, USD]. */
    targetsCurve: [number, string][];
  };
  perPair: {
    symbol: string;
    closedTrades: number;
    wins: number;
    losses: number;
    strategyPnlUsd: string;
    feesUsd: string;
    corePnlUsd: string;
  }[];
  tradeList: Trade[];
  statistics: {
    sharpe: string | null;
    sortino: string | null;
    maxDrawdownPct: string;
    maxDrawdownPeakAt: string | null;
    maxDrawdownTroughAt: string | null;
    closedTrades: number;
    winRatePct: string | null;
    profitFactor: string | null;
    avgWinUsd: string | null;
    avgLossUsd: string | null;
    exposurePct: string;
    /** Strategy fees as a share of the strategy's P&L before fees (absolute); null when that is 0. */
    feeSharePct: string | null;
  };
}

export async function performanceSection(
  db: Db,
  args: {
    account: string;
    fromMs: number;
    toMs: number;
    barMs: number;
    timeframe: string;
    pairs: readonly string[];
    targets: Readonly<Record<string, number>>;
    startingEquityUsd: string;
    finalEquityUsd: string;
    equityCurve: readonly (readonly [number, string])[];
    /** The account's fills with their orders' purposes (the report's `executions.fills`). */
    fills: readonly FillRecord[];
  },
): Promise<PerformanceSection> {
  const accounted: AccountedFill[] = args.fills.map((f) => ({ ...f, side: f.side === 'buy' ? 'buy' : 'sell' }));

  // Each pair's closes over the period: the first and last price every figure starts and ends
  // at, and the benchmark's curve.
  const closes = new Map<string, Map<number, string>>();
  const firstBySymbol: Record<string, string> = {};
  const lastBySymbol: Record<string, string> = {};
  for (const symbol of args.pairs) {
    const rows = await db
      .select({ openTime: candles.openTime, close: candles.close })
      .from(candles)
      .where(
        and(
          eq(candles.symbol, symbol),
          eq(candles.timeframe, args.timeframe),
          gte(candles.openTime, new Date(args.fromMs)),
          lt(candles.openTime, new Date(args.toMs)),
        ),
      )
      .orderBy(asc(candles.openTime));
    if (rows.length === 0)
      throw new Error(`no ${args.timeframe} bar of ${symbol} from ${new Date(args.fromMs).toISOString()}`);
    closes.set(symbol, new Map(rows.map((r) => [r.openTime.getTime(), r.close])));
    firstBySymbol[symbol] = rows[0]!.close;
    lastBySymbol[symbol] = rows.at(-1)!.close;
  }
  const byAsset = (bySymbol: Record<string, string>) =>
    Object.fromEntries(Object.entries(bySymbol).map(([symbol, price]) => [symbol.split('/')[0]!, price]));
  const barTimes = [...(closes.get(args.pairs[0]!)?.keys() ?? [])];
  const targetsCurve: [number, string][] = barTimes.flatMap((atMs) => {
    const at: Record<string, string> = {};
    for (const symbol of args.pairs) {
      const close = closes.get(symbol)?.get(atMs);
      if (close === undefined) return [];
      at[symbol.split('/')[0]!] = close;
    }
    const pct = holdingReturnPct(args.targets, byAsset(firstBySymbol), at);
    return [[atMs, fixed(new Decimal(args.startingEquityUsd).times(pct.div(100).plus(1)))!]];
  });

  const money = reconcile({
    fills: accounted,
    endPrices: lastBySymbol,
    startingEquityUsd: args.startingEquityUsd,
    finalEquityUsd: args.finalEquityUsd,
  });

  const tradeList = await tradesOf(db, args.account);
  const stats = tradeStatistics({
    equityCurve: args.equityCurve,
    startingEquityUsd: args.startingEquityUsd,
    barsPerYear: (365 * 86_400_000) / args.barMs,
    trades: tradeList,
    barMs: args.barMs,
  });
  const grossStrategy = money.strategyPnlUsd.plus(money.strategyFeesUsd).abs();

  return {
    reconciliation: {
      equityChangeUsd: fixed(money.equityChangeUsd)!,
      strategyPnlUsd: fixed(money.strategyPnlUsd)!,
      strategyFeesUsd: fixed(money.strategyFeesUsd)!,
      corePnlUsd: fixed(money.corePnlUsd)!,
      coreFeesUsd: fixed(money.coreFeesUsd)!,
      cashFlowsUsd: fixed(money.cashFlowsUsd)!,
      unexplainedUsd: fixed(money.unexplainedUsd)!,
    },
    benchmarks: {
      targetsReturnPct: fixed(holdingReturnPct(args.targets, byAsset(firstBySymbol), byAsset(lastBySymbol)))!,
      targetsCurve,
      pairs: Object.fromEntries(
        args.pairs.map((symbol) => [symbol, fixed(holdingReturnPct({ [symbol]: 100 }, firstBySymbol, lastBySymbol))!]),
      ),
    },
    perPair: [...args.pairs].sort().map((symbol) => {
      const closed = tradeList.filter((t) => t.symbol === symbol && t.closedAt !== null);
      const ofPair = (purpose: (p: string) => boolean) =>
        reconcile({
          fills: accounted.filter((f) => f.symbol === symbol && purpose(f.purpose)),
          endPrices: lastBySymbol,
          startingEquityUsd: '0',
          finalEquityUsd: '0',
        });
      const strategy = ofPair((p) => p !== 'rebalance');
      return {
        symbol,
        closedTrades: closed.length,
        wins: closed.filter((t) => new Decimal(t.pnlUsd).gt(0)).length,
        losses: closed.filter((t) => new Decimal(t.pnlUsd).lt(0)).length,
        strategyPnlUsd: fixed(strategy.strategyPnlUsd)!,
        feesUsd: fixed(strategy.strategyFeesUsd.plus(strategy.coreFeesUsd))!,
        corePnlUsd: fixed(ofPair((p) => p === 'rebalance').corePnlUsd)!,
      };
    }),
    tradeList,
    statistics: {
      sharpe: fixed(stats.sharpe),
      sortino: fixed(stats.sortino),
      maxDrawdownPct: fixed(stats.maxDrawdown.pct)!,
      maxDrawdownPeakAt:
        stats.maxDrawdown.peakAtMs === null ? null : new Date(stats.maxDrawdown.peakAtMs).toISOString(),
      maxDrawdownTroughAt:
        stats.maxDrawdown.troughAtMs === null ? null : new Date(stats.maxDrawdown.troughAtMs).toISOString(),
      closedTrades: stats.closedTrades,
      winRatePct: fixed(stats.winRatePct),
      profitFactor: fixed(stats.profitFactor),
      avgWinUsd: fixed(stats.avgWinUsd),
      avgLossUsd: fixed(stats.avgLossUsd),
      exposurePct: fixed(stats.exposurePct)!,
      feeSharePct: grossStrategy.isZero() ? null : fixed(money.strategyFeesUsd.div(grossStrategy).times(100)),
    },
  };
}

/** Every strategy position of the account as a trade: entries and exits from its fills. */
async function tradesOf(db: Db, account: string): Promise<Trade[]> {
  const rows = await db
    .select()
    .from(positions)
    .where(eq(positions.account, account))
    .orderBy(asc(positions.openedAt), asc(positions.id));
  if (rows.length === 0) return [];
  const legs = await db
    .select({
      positionId: positionFills.positionId,
      side: fills.side,
      quantity: fills.quantity,
      price: fills.price,
      purpose: orders.purpose,
      filledAt: fills.filledAt,
    })
    .from(positionFills)
    .innerJoin(fills, eq(fills.fillId, positionFills.fillId))
    .innerJoin(orders, eq(orders.clientOrderId, fills.clientOrderId))
    .where(
      inArray(
        positionFills.positionId,
        rows.map((p) => p.id),
      ),
    )
    .orderBy(asc(fills.filledAt), asc(fills.fillId));
  return rows.map((p) => {
    const entrySide = p.side === 'long' ? 'buy' : 'sell';
    const mine = legs.filter((l) => l.positionId === p.id);
    const average = (ls: typeof mine) => {
      const q = ls.reduce((s, l) => s.plus(l.quantity), new Decimal(0));
      return {
        quantity: q,
        price: q.isZero()
          ? null
          : ls.reduce((s, l) => s.plus(new Decimal(l.quantity).times(l.price)), new Decimal(0)).div(q),
      };
    };
    const entries = average(mine.filter((l) => l.side === entrySide));
    const exits = mine.filter((l) => l.side !== entrySide);
    const closedAt = p.closedAt?.toISOString() ?? null;
    return {
      symbol: p.symbol,
      side: p.side,
      openedAt: p.openedAt.toISOString(),
      closedAt,
      quantity: entries.quantity.toString(),
      avgEntryPrice: entries.price?.toSignificantDigits(12).toString() ?? p.avgEntryPrice,
      avgExitPrice: average(exits).price?.toSignificantDigits(12).toString() ?? null,
      reason: closedAt === null ? null : (exits.at(-1)?.purpose ?? null),
      pnlUsd: fixed(p.realizedPnlUsd)!,
      feesUsd: fixed(p.feesUsd)!,
      hours: p.closedAt === null ? null : fixed((p.closedAt.getTime() - p.openedAt.getTime()) / 3_600_000, 1),
    };
  });
}
