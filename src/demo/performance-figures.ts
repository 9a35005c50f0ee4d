import { Decimal } from '../model/decimal.ts';

/** A fill as the report's accounting sees it. */
export interface AccountedFill {
  symbol: string;
  side: 'buy' | 'sell';
  /** The order's purpose: `rebalance` fills build the core allocation, the others trade the strategy. */
  purpose: string;
  quantity: string;
  price: string;
  feeUsd: string;
}

/** A strategy position as the trade list shows it. */
export interface Trade {
  symbol: string;
  side: string;
  openedAt: string;
  /** Null while open. */
  closedAt: string | null;
  /** Entered quantity (the entry fills' sum). */
  quantity: string;
  avgEntryPrice: string;
  /** Average price of the exits; null before the first. */
  avgExitPrice: string | null;
  /** The purpose of the order of the last exit (`exit`, `stop_loss`, `take_profit`, …); null while open. */
  reason: string | null;
  /** Realized, fees included; for an open trade, what its exits realized so far. */
  pnlUsd: string;
  feesUsd: string;
  /** Market time from open to close, hours; null while open. */
  hours: string | null;
}

/** Money of one group of fills: its cash flow, plus what it still holds at the end prices. */
function pnlOf(fills: readonly AccountedFill[], endPrices: Readonly<Record<string, string>>) {
  let pnl = new Decimal(0);
  let fees = new Decimal(0);
  const held = new Map<string, Decimal>();
  for (const f of fills) {
    const notional = new Decimal(f.quantity).times(f.price);
    const signed = f.side === 'buy' ? new Decimal(f.quantity) : new Decimal(f.quantity).neg();
    pnl = (f.side === 'buy' ? pnl.minus(notional) : pnl.plus(notional)).minus(f.feeUsd);
    fees = fees.plus(f.feeUsd);
    held.set(f.symbol, (held.get(f.symbol) ?? new Decimal(0)).plus(signed));
  }
  for (const [symbol, quantity] of held) {
    if (quantity.isZero()) continue;
    const price = endPrices[symbol];
    if (price === undefined) throw new Error(`no end price for ${symbol}`);
    pnl = pnl.plus(quantity.times(price));
  }
  return { pnl, fees };
}

/**
 * Where the equity change came from: the strategy's fills and the core allocation's
 * (rebalance) fills, each its cash flow plus what it holds valued at the end prices. With no
 * cash flows in or out, the two add up to the equity change exactly; `unexplained` is what
 * they do not (a bug in the books, never rounding).
 */
export function reconcile(args: {
  fills: readonly AccountedFill[];
  endPrices: Readonly<Record<string, string>>;
  startingEquityUsd: string;
  finalEquityUsd: string;
}) {
  const core = pnlOf(
    args.fills.filter((f) => f.purpose === 'rebalance'),
    args.endPrices,
  );
  const strategy = pnlOf(
    args.fills.filter((f) => f.purpose !== 'rebalance'),
    args.endPrices,
  );
  const change = new Decimal(args.finalEquityUsd).minus(args.startingEquityUsd);
  return {
    equityChangeUsd: change,
    strategyPnlUsd: strategy.pnl,
    strategyFeesUsd: strategy.fees,
    corePnlUsd: core.pnl,
    coreFeesUsd: core.fees,
    cashFlowsUsd: new Decimal(0),
    unexplainedUsd: change.minus(strategy.pnl).minus(core.pnl),
  };
}

/**
 * Holding `weights` (% of equity per asset, the cash asset's share kept as cash) bought at the
 * first prices and valued at the last, without fees: the return in %.
 */
export function holdingReturnPct(
  weights: Readonly<Record<string, number | string>>,
  first: Readonly<Record<string, string>>,
  last: Readonly<Record<string, string>>,
): Decimal {
  let value = new Decimal(0);
  for (const [asset, pct] of Object.entries(weights)) {
    const share = new Decimal(pct).div(100);
    value = value.plus(first[asset] === undefined ? share : share.times(last[asset]!).div(first[asset]!));
  }
  return value.minus(1).times(100);
}

/** Statistics of the equity curve and the closed trades. */
export function tradeStatistics(args: {
  /** Equity at the end of each bar, oldest first: [bar open ms, equity]. */
  equityCurve: readonly (readonly [number, string])[];
  startingEquityUsd: string;
  /** Bars in a year at the replay's timeframe, for annualising. */
  barsPerYear: number;
  trades: readonly Trade[];
  barMs: number;
}) {
  const equities = [new Decimal(args.startingEquityUsd), ...args.equityCurve.map(([, e]) => new Decimal(e))];
  const returns = equities.slice(1).map((e, i) => e.div(equities[i]!).minus(1));
  const n = returns.length;
  const mean = n > 0 ? returns.reduce((s, r) => s.plus(r), new Decimal(0)).div(n) : new Decimal(0);
  const std =
    n > 1
      ? returns
          .reduce((s, r) => s.plus(r.minus(mean).pow(2)), new Decimal(0))
          .div(n - 1)
          .sqrt()
      : new Decimal(0);
  const downside =
    n > 0
      ? returns
          .reduce((s, r) => s.plus(Decimal.min(r, 0).pow(2)), new Decimal(0))
          .div(n)
          .sqrt()
      : new Decimal(0);
  const annual = new Decimal(args.barsPerYear).sqrt();
  const ratio = (d: Decimal) => (d.isZero() ? null : mean.div(d).times(annual));

  let peak = equities[0]!;
  let peakAtMs = args.equityCurve[0]?.[0] ?? 0;
  let maxDrawdown = { pct: new Decimal(0), peakAtMs: null as number | null, troughAtMs: null as number | null };
  args.equityCurve.forEach(([atMs, e]) => {
    const equity = new Decimal(e);
    if (equity.gt(peak)) {
      peak = equity;
      peakAtMs = atMs;
    }
    const dd = peak.minus(equity).div(peak).times(100);
    if (dd.gt(maxDrawdown.pct)) maxDrawdown = { pct: dd, peakAtMs, troughAtMs: atMs };
  });

  const closed = args.trades.filter((t) => t.closedAt !== null);
  const wins = closed.filter((t) => new Decimal(t.pnlUsd).gt(0));
  const losses = closed.filter((t) => new Decimal(t.pnlUsd).lt(0));
  const sum = (ts: readonly Trade[]) => ts.reduce((s, t) => s.plus(t.pnlUsd), new Decimal(0));
  const grossWin = sum(wins);
  const grossLoss = sum(losses).abs();

  // Bars with a strategy position open, over all bars of the curve.
  const barsOpen = args.equityCurve.filter(([atMs]) =>
    args.trades.some((t) => {
      const opened = Date.parse(t.openedAt);
      const closedAt = t.closedAt === null ? Number.POSITIVE_INFINITY : Date.parse(t.closedAt);
      return opened < atMs + args.barMs && closedAt > atMs;
    }),
  ).length;

  return {
    sharpe: ratio(std),
    sortino: ratio(downside),
    maxDrawdown,
    closedTrades: closed.length,
    winRatePct: closed.length > 0 ? new Decimal(wins.length).div(closed.length).times(100) : null,
    profitFactor: grossLoss.isZero() ? null : grossWin.div(grossLoss),
    avgWinUsd: wins.length > 0 ? grossWin.div(wins.length) : null,
    avgLossUsd: losses.length > 0 ? grossLoss.div(losses.length).neg() : null,
    exposurePct: n > 0 ? new Decimal(barsOpen).div(args.equityCurve.length).times(100) : new Decimal(0),
  };
}
