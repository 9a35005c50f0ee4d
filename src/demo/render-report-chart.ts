import { readFileSync } from 'node:fs';
import { createRequire } from 'node:module';
import { dirname, join } from 'node:path';
import type { DemoReport } from './demo-report.ts';

/** A point of the chart: market time (ms) and a value, with what its tooltip says. */
export interface ChartPoint {
  x: number;
  y: number;
  label?: string;
}

/** What the report's chart draws, every series keyed by market time. */
export interface ReportChartData {
  equity: ChartPoint[];
  /** The starting equity held in the targets. */
  benchmark: ChartPoint[];
  entries: ChartPoint[];
  exits: ChartPoint[];
  trips: ChartPoint[];
  /** Below the peak so far, in % (0 or negative). */
  drawdown: ChartPoint[];
}

/** The equity at the bar holding `atMs` (the last bar opened at or before it). */
function equityAt(curve: readonly ChartPoint[], atMs: number): number {
  let y = curve[0]?.y ?? 0;
  for (const p of curve) {
    if (p.x > atMs) break;
    y = p.y;
  }
  return y;
}

/** The chart's series from the report (plotted values only: the figures stay decimal strings in the report). */
export function reportChartData(r: DemoReport): ReportChartData {
  const equity = r.equityCurve.map(([x, e]) => ({ x, y: Number(e) }));
  let peak = Number(r.money.startingEquityUsd);
  const drawdown = equity.map((p) => {
    peak = Math.max(peak, p.y);
    return { x: p.x, y: Number((((p.y - peak) / peak) * 100).toFixed(4)) };
  });
  const trades = r.performance.tradeList;
  return {
    equity,
    benchmark: r.performance.benchmarks.targetsCurve.map(([x, v]) => ({ x, y: Number(v) })),
    entries: trades.map((t) => {
      const x = Date.parse(t.openedAt);
      return { x, y: equityAt(equity, x), label: `${t.symbol} ${t.side} ${t.quantity} at ${t.avgEntryPrice}` };
    }),
    exits: trades
      .filter((t) => t.closedAt !== null)
      .map((t) => {
        const x = Date.parse(t.closedAt!);
        return {
          x,
          y: equityAt(equity, x),
          label: `${t.symbol} ${t.reason} at ${t.avgExitPrice}: ${t.pnlUsd} ${r.cashAsset}`,
        };
      }),
    trips: r.risk.breakerTrips.map((t) => {
      const x = Date.parse(t.at);
      return { x, y: equityAt(equity, x), label: `${t.breaker} breaker tripped, loss ${t.lossPct} %` };
    }),
    drawdown,
  };
}

let chartJs: string | undefined;
/** chart.js's UMD build, inlined so the report is one file that opens anywhere, offline. */
function chartJsSource(): string {
  chartJs ??= readFileSync(
    join(dirname(createRequire(import.meta.url).resolve('chart.js')), 'chart.umd.min.js'),
    'utf8',
  );
  return chartJs;
}

/** JSON safe inside a <script> element. */
const scriptJson = (value: unknown) => JSON.stringify(value).replace(/</g, '\\u003c');

/** The report's chart: equity with the benchmark, entries, exits and breaker trips; drawdown below; dated axes. */
export function renderReportChart(r: DemoReport): string {
  return `<div style="position:relative;width:960px;height:340px"><canvas id="equity"></canvas></div>
<div style="position:relative;width:960px;height:160px"><canvas id="drawdown"></canvas></div>
<script>${chartJsSource()}</script>
<script>
const data = ${scriptJson(reportChartData(r))};
const cash = ${scriptJson(r.cashAsset)};
const when = (ms) => new Date(ms).toISOString().slice(0, 16).replace('T', ' ');
const first = data.equity[0]?.x ?? 0, last = data.equity.at(-1)?.x ?? 0;
const HOUR = 3600000;
// Ticks on whole hours or days, about eight of them, the data's range and no more.
const step = [1, 2, 3, 6, 12, 24, 48, 96, 168, 336, 720, 1440, 2880, 8760].map((h) => h * HOUR).find((s) => (last - first) / s <= 8) ?? 8760 * HOUR;
const x = {
  type: 'linear', min: first, max: last,
  afterBuildTicks: (axis) => {
    const ticks = [];
    for (let t = Math.ceil(first / step) * step; t <= last; t += step) ticks.push({ value: t });
    axis.ticks = ticks;
  },
  ticks: { callback: (v) => when(v) },
};
const tooltip = { callbacks: { title: (items) => when(items[0].parsed.x), label: (c) => c.raw.label ?? c.dataset.label + ': ' + c.parsed.y } };
const line = (label, points, color, extra) => ({ type: 'line', label, data: points, borderColor: color, backgroundColor: color, pointRadius: 0, borderWidth: 1.5, ...extra });
const marks = (label, points, color, pointStyle, extra) => ({ type: 'scatter', label, data: points, backgroundColor: color, borderColor: color, pointStyle, radius: 6, ...extra });
window.reportCharts = [
  new Chart(document.getElementById('equity'), {
    data: { datasets: [
      line('equity (' + cash + ')', data.equity, '#1f6feb'),
      line('holding the targets (' + cash + ')', data.benchmark, '#8c959f', { borderDash: [4, 4] }),
      marks('entries', data.entries, '#1a7f37', 'triangle'),
      marks('exits', data.exits, '#cf222e', 'triangle', { rotation: 180 }),
      marks('breaker trips', data.trips, '#d1242f', 'crossRot', { radius: 10, borderWidth: 2 }),
    ] },
    options: { animation: false, maintainAspectRatio: false, scales: { x, y: { title: { display: true, text: cash } } }, plugins: { tooltip } },
  }),
  new Chart(document.getElementById('drawdown'), {
    data: { datasets: [line('drawdown (%)', data.drawdown, '#cf222e', { fill: 'origin' })] },
    options: { animation: false, maintainAspectRatio: false, scales: { x, y: { max: 0, title: { display: true, text: '%' } } }, plugins: { tooltip } },
  }),
];
</script>`;
}
