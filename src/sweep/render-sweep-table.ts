import type { SweepOutcome } from './run-sweep.ts';
import type { SweepMetric } from './sweep-spec.ts';

const FIGURES = [
  'strategyPnlUsd',
  'returnPct',
  'sharpe',
  'sortino',
  'maxDrawdownPct',
  'profitFactor',
  'winRatePct',
  'closedTrades',
] as const;
const HEADINGS: Record<SweepMetric | (typeof FIGURES)[number], string> = {
  returnPct: 'return %',
  strategyPnlUsd: 'strategy P&L',
  sharpe: 'Sharpe',
  sortino: 'Sortino',
  maxDrawdownPct: 'max DD %',
  profitFactor: 'PF',
  winRatePct: 'win %',
  closedTrades: 'trades',
};

/** The ranked runs as a text table: rank, each grid path's value, the figures (the ranking one marked). Pure. */
export function renderSweepTable(outcome: SweepOutcome): string {
  const { paths } = outcome;
  // The ranking figure first among the figures, whichever it is.
  const figures = [outcome.metric, ...FIGURES.filter((f) => f !== outcome.metric)];
  const header = [
    '#',
    'run',
    ...paths,
    ...figures.map((f) => (f === outcome.metric ? `${HEADINGS[f]} ▼` : HEADINGS[f])),
  ];
  const rows = outcome.results.map((r, rank) => [
    String(rank + 1),
    String(r.index),
    ...paths.map((p) => String(r.values[p])),
    ...figures.map((f) => String(r[f] ?? '–')),
  ]);
  const widths = header.map((h, i) => Math.max(h.length, ...rows.map((row) => row[i]!.length)));
  const line = (cells: string[]) =>
    cells.map((c, i) => (i < 2 + paths.length ? c.padEnd(widths[i]!) : c.padStart(widths[i]!))).join('  ');
  const lines = [line(header), ...rows.map(line)];
  for (const f of outcome.failed) lines.push(`failed: run ${f.index}: ${f.reason}`);
  return lines.join('\n');
}

/**
 * The ranked runs as CSV: rank, run, each grid path, every figure, worker and wall time; then
 * each failed run, with no rank and its reason. Pure.
 */
export function renderSweepCsv(outcome: SweepOutcome): string {
  const { paths } = outcome;
  const columns = [...FIGURES, 'strategyPnlUsd', 'feesUsd', 'auditViolations', 'worker', 'elapsedMs'] as const;
  const quote = (v: unknown) => {
    const text = v === null || v === undefined ? '' : String(v);
    return /[",\n]/.test(text) ? `"${text.replaceAll('"', '""')}"` : text;
  };
  const rows = outcome.results.map((r, rank) =>
    [rank + 1, r.index, ...paths.map((p) => r.values[p]), ...columns.map((c) => r[c]), ''].map(quote).join(','),
  );
  const failed = outcome.failed.map((f) =>
    ['', f.index, ...paths.map((p) => f.values[p]), ...columns.map(() => ''), `failed: ${f.reason}`]
      .map(quote)
      .join(','),
  );
  return [['rank', 'run', ...paths, ...columns, 'error'].map(quote).join(','), ...rows, ...failed].join('\n') + '\n';
}
