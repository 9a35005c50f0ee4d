import { mkdir, writeFile } from 'node:fs/promises';
import { join, resolve } from 'node:path';
import { symbolSlug } from '../market/symbol-slug.ts';
import type { DemoReport } from './demo-report.ts';
import { renderDemoReportHtml, renderDemoReportText } from './render-demo-report.ts';
import { renderTradeListCsv } from './render-performance.ts';

/** Where a published report went, and the demo's exit code. */
export interface PublishedDemoReport {
  /** 1 when the audit of the books the replay left found a violation, else 0. */
  exitCode: number;
  /** The files' common path without extension: `<dir>/demo-BTC-USD_XRP-USD-1h-2021-11-01-2021-11-04`. */
  base: string;
  htmlPath: string;
  jsonPath: string;
}

/**
 * The name of a report: its pairs, timeframe and period (first bar's day, end's day), e.g.
 * `demo-BTC-USD_XRP-USD-1h-2021-11-01-2021-11-04`.
 */
export function demoReportName(report: Pick<DemoReport, 'pairs' | 'period'>): string {
  const pairs = [...report.pairs].sort().map(symbolSlug).join('_');
  return `demo-${pairs}-${report.period.timeframe}-${report.period.from.slice(0, 10)}-${report.period.to.slice(0, 10)}`;
}

/**
 * Writes a demo's report as `<name>.html`, `<name>.json` and its trade list as
 * `<name>.trades.csv` in `reportDir` (created when
 * missing; `demoReportName`), never over an earlier report: a name taken gets `-2`, `-3`, …
 * Prints the text report through `print` (its last line the audit's).
 */
export async function publishDemoReport(
  report: DemoReport,
  options: { reportDir: string; print: (text: string) => void },
): Promise<PublishedDemoReport> {
  const dir = resolve(options.reportDir);
  await mkdir(dir, { recursive: true });
  const name = demoReportName(report);
  for (let n = 1; ; n++) {
    const base = join(dir, n === 1 ? name : `${name}-${n}`);
    const [htmlPath, jsonPath] = [`${base}.html`, `${base}.json`];
    try {
      // 'wx': created here or not at all, so two demos finishing at once take different names.
      await writeFile(jsonPath, `${JSON.stringify(report, null, 2)}\n`, { flag: 'wx' });
    } catch (err) {
      if ((err as NodeJS.ErrnoException).code === 'EEXIST') continue;
      throw err;
    }
    await writeFile(htmlPath, renderDemoReportHtml(report));
    const tradesPath = `${base}.trades.csv`;
    await writeFile(tradesPath, renderTradeListCsv(report.performance.tradeList));
    options.print(renderDemoReportText(report, { htmlPath, jsonPath, tradesPath }));
    // The books the replay left broke an invariant: the demo failed, whatever it earned.
    return { exitCode: report.audit.violations.length > 0 ? 1 : 0, base, htmlPath, jsonPath };
  }
}
