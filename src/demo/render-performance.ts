import { formatMinute } from '../shared/format-minute.ts';
import type { Trade } from './performance-figures.ts';
import type { PerformanceSection } from './performance-section.ts';

const when = (iso: string | null) => (iso === null ? '-' : formatMinute(iso));
const orDash = (v: string | number | null, unit = '') => (v === null ? '-' : `${v}${unit}`);

/** The report's accounting as text lines: reconciliation, benchmarks, statistics, per-pair table. */
export function renderPerformanceLines(p: PerformanceSection, timeframe: string, cash: string): string[] {
  const r = p.reconciliation;
  const s = p.statistics;
  const pairs = Object.entries(p.benchmarks.pairs)
    .map(([symbol, pct]) => `${symbol} alone ${pct} %`)
    .join(', ');
  return [
    `  equity change ${r.equityChangeUsd} ${cash} = strategy ${r.strategyPnlUsd} (fees ${r.strategyFeesUsd}) + core allocation ${r.corePnlUsd} (fees ${r.coreFeesUsd}) + cash flows ${r.cashFlowsUsd}`,
    ...(r.unexplainedUsd === '0.00'
      ? []
      : [`  UNEXPLAINED   ${r.unexplainedUsd} ${cash}: the fills do not add up to the equity the account reports`]),
    `  benchmark     holding the targets from the first bar ${p.benchmarks.targetsReturnPct} %; ${pairs} (without fees)`,
    `  drawdown      ${s.maxDrawdownPct} % at most, from ${when(s.maxDrawdownPeakAt)} to ${when(s.maxDrawdownTroughAt)}`,
    `  statistics    Sharpe ${orDash(s.sharpe)}, Sortino ${orDash(s.sortino)} (annualised from ${timeframe} bars); exposure ${s.exposurePct} % of bars`,
    `  trades        ${s.closedTrades} closed: win rate ${orDash(s.winRatePct, ' %')}, profit factor ${orDash(s.profitFactor)}, average win ${orDash(s.avgWinUsd)} and loss ${orDash(s.avgLossUsd)} ${cash}; strategy fees ${orDash(s.feeSharePct, ' %')} of its P&L before fees`,
    '',
    `  per pair      closed  won  lost  ${`strategy ${cash}`.padStart(12)}  ${`fees ${cash}`.padStart(8)}  ${`core allocation ${cash}`.padStart(19)}`,
    ...p.perPair.map(
      (x) =>
        `    ${x.symbol.padEnd(10)}  ${String(x.closedTrades).padStart(6)}  ${String(x.wins).padStart(3)}  ${String(x.losses).padStart(4)}  ${x.strategyPnlUsd.padStart(12)}  ${x.feesUsd.padStart(8)}  ${x.corePnlUsd.padStart(19)}`,
    ),
  ];
}

const CSV_COLUMNS = [
  'symbol',
  'side',
  'openedAt',
  'closedAt',
  'quantity',
  'avgEntryPrice',
  'avgExitPrice',
  'reason',
  'pnlUsd',
  'feesUsd',
  'hours',
] as const satisfies readonly (keyof Trade)[];

/** The trade list as CSV, one row per position (an open one without close, exit and reason). */
export function renderTradeListCsv(trades: readonly Trade[]): string {
  const cell = (v: string | null) => (v === null ? '' : /[",\n]/.test(v) ? `"${v.replace(/"/g, '""')}"` : v);
  return [CSV_COLUMNS.join(','), ...trades.map((t) => CSV_COLUMNS.map((c) => cell(t[c])).join(','))].join('\n') + '\n';
}

/** The trade list as an HTML table. */
export function renderTradeListHtml(trades: readonly Trade[], escapeHtml: (s: string) => string): string {
  const head = CSV_COLUMNS.map((c) => `<th>${c}</th>`).join('');
  const rows = trades.map((t) => `<tr>${CSV_COLUMNS.map((c) => `<td>${escapeHtml(t[c] ?? '')}</td>`).join('')}</tr>`);
  return `<h2>Trades (${trades.length})</h2>\n<table><thead><tr>${head}</tr></thead><tbody>\n${rows.join('\n')}\n</tbody></table>`;
}
