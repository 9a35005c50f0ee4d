import { mkdir, writeFile } from 'node:fs/promises';
import { join, resolve } from 'node:path';
import type { DemoReport } from './demo-report.ts';
import { renderDemoReportHtml, renderDemoReportText } from './render-demo-report.ts';

/**
 * Writes a demo's report as `demo-<from>-<days>d.html` and `.json` in `reportDir` (created when
 * missing), prints the text report through `print` (its last line the audit's), and returns the
 * demo's exit code: 1 when the audit of the books the replay left found a violation, else 0.
 */
export async function publishDemoReport(
  report: DemoReport,
  options: { reportDir: string; days: string; print: (text: string) => void },
): Promise<number> {
  const dir = resolve(options.reportDir);
  await mkdir(dir, { recursive: true });
  const base = `demo-${report.period.from.slice(0, 10)}-${options.days}d`;
  const htmlPath = join(dir, `${base}.html`);
  await writeFile(htmlPath, renderDemoReportHtml(report));
  await writeFile(join(dir, `${base}.json`), `${JSON.stringify(report, null, 2)}\n`);
  options.print(renderDemoReportText(report, htmlPath));
  // The books the replay left broke an invariant: the demo failed, whatever it earned.
  return report.audit.violations.length > 0 ? 1 : 0;
}
