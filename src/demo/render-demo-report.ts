import { auditSummaryLine } from '../audit/render-audit-report.ts';
import { formatMinute } from '../shared/format-minute.ts';
import type { DemoReport } from './demo-report.ts';
import { renderPerformanceLines, renderTradeListHtml } from './render-performance.ts';
import { renderReportChart } from './render-report-chart.ts';

/** Where a published report's files are. */
export interface ReportFiles {
  htmlPath: string;
  jsonPath: string;
  tradesPath: string;
}

/** "72 bars of 1h per pair", "1 bar of 1d per pair". */
function barsOf(r: DemoReport): string {
  return `${r.period.bars} bar${r.period.bars === 1 ? '' : 's'} of ${r.period.timeframe} per pair`;
}

/** Violations the text report spells out; the JSON report holds them all. */
const AUDIT_VIOLATIONS_SHOWN = 10;

const table = (rows: Record<string, number>) =>
  Object.entries(rows)
    .sort(([a], [b]) => a.localeCompare(b))
    .map(([k, v]) => `    ${k.padEnd(28)} ${v}`)
    .join('\n') || '    (none)';

/** The report as plain text for the terminal. */
export function renderDemoReportText(r: DemoReport, files?: ReportFiles): string {
  const m = r.money;
  const cash = r.cashAsset;
  return [
    `triplegain demo: ${r.pairs.join(', ')}, ${r.period.from.slice(0, 10)} → ${r.period.to.slice(0, 10)} (${barsOf(r)})`,
    '',
    `  equity        ${m.startingEquityUsd} → ${m.finalEquityUsd} ${cash} (${m.returnPct} %)`,
    `  realized P&L  ${m.realizedPnlUsd} ${cash} (fees included)`,
    `  unrealized    ${m.unrealizedPnlUsd} ${cash}`,
    `  fees          ${m.feesUsd} ${cash}`,
    `  max drawdown  ${m.maxDrawdownPct} %`,
    `  trades        ${r.trades.fills} fills, ${r.trades.closedPositions} closed positions (${r.trades.wins} won, ${r.trades.losses} lost), ${r.trades.openPositions} open`,
    `  rebalances    ${r.rebalances.count} (trades: ${r.rebalances.approved} approved, ${r.rebalances.denied} denied, ${r.rebalances.filled} filled)`,
    ...renderPerformanceLines(r.performance, r.period.timeframe, cash),
    '',
    '  signals by action',
    table(r.signals),
    '  coordinator outcomes',
    table(r.coordinator),
    `  risk: ${r.risk.approved} approved, ${r.risk.denied} denied; denial reasons`,
    table(r.risk.denialsByRule),
    `  breaker trips (${r.risk.breakerTrips.length}); trading state at the end: ${r.finalTradingState}`,
    r.risk.breakerTrips
      .map((t) => `    ${t.breaker.padEnd(12)} ${formatMinute(t.at)}  loss ${t.lossPct} %`)
      .join('\n') || '    (none)',
    ...(r.finalTradingState === 'HALTED'
      ? ['    (the halt closed the trades; the core allocation is held until an operator resets and resumes)']
      : []),
    '  orders (purpose status)',
    table(r.orders),
    '  model calls',
    r.models
      .map(
        (x) =>
          `    ${`${x.provider}/${x.model}`.padEnd(28)} ${x.purpose.padEnd(10)} ${x.outcome.padEnd(10)} ${String(x.calls).padStart(6)} calls  ${x.costUsd} USD` +
          (x.reason === null
            ? ''
            : `\n      most often: ${x.reason.length > 200 ? `${x.reason.slice(0, 199)}…` : x.reason}`),
      )
      .join('\n') || '    (none)',
    ...(files
      ? [
          '',
          `  report        ${files.htmlPath}  (chart, trades)`,
          `  data          ${files.jsonPath}  (everything, every order and fill)`,
          `  trades        ${files.tradesPath}`,
        ]
      : []),
    '',
    ...auditLines(r),
  ].join('\n');
}

/** The audit's violations (the first few), then its summary line, last. */
function auditLines(r: DemoReport): string[] {
  const { violations } = r.audit;
  const shown = violations.slice(0, AUDIT_VIOLATIONS_SHOWN).map((v) => `  [${v.invariant}] ${v.message}`);
  const more =
    violations.length > shown.length
      ? [`  … and ${violations.length - shown.length} more (every one in the JSON report)`]
      : [];
  return [...shown, ...more, auditSummaryLine(r.audit)];
}

const escapeHtml = (s: string) =>
  s.replace(/[&<>"]/g, (c) => ({ '&': '&amp;', '<': '&lt;', '>': '&gt;', '"': '&quot;' })[c]!);

/**
 * A self-contained HTML page (chart.js inlined: it opens offline): the chart (equity against
 * holding the targets, entries, exits and breaker trips, drawdown below, dated axes), the
 * text report and the trade list.
 */
export function renderDemoReportHtml(r: DemoReport): string {
  return `<!doctype html>
<html lang="en"><head><meta charset="utf-8"><title>triplegain demo ${escapeHtml(r.pairs.join(', '))} ${escapeHtml(r.period.timeframe)} ${escapeHtml(r.period.from.slice(0, 10))} → ${escapeHtml(r.period.to.slice(0, 10))}</title>
<style>body{font:14px system-ui,sans-serif;margin:2em;color:#222}pre{background:#f6f6f6;padding:1em}table{border-collapse:collapse}td,th{border:1px solid #ddd;padding:2px 6px;text-align:right}</style></head>
<body>
<h1>triplegain demo</h1>
<p>${escapeHtml(r.pairs.join(', '))}, ${escapeHtml(r.period.timeframe)}: ${escapeHtml(r.period.from)} → ${escapeHtml(r.period.to)}, ${escapeHtml(barsOf(r))}. Equity ${escapeHtml(r.money.startingEquityUsd)} → ${escapeHtml(r.money.finalEquityUsd)} ${escapeHtml(r.cashAsset)} (${escapeHtml(r.money.returnPct)} %), max drawdown ${escapeHtml(r.money.maxDrawdownPct)} %.</p>
${renderReportChart(r)}
<pre>${escapeHtml(renderDemoReportText(r))}</pre>
${renderTradeListHtml(r.performance.tradeList, escapeHtml)}
</body></html>
`;
}
