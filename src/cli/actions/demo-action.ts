import { mkdir, writeFile } from 'node:fs/promises';
import { join, resolve } from 'node:path';
import { renderDemoReportHtml, renderDemoReportText } from '../../demo/render-demo-report.ts';
import { runDemo } from '../../demo/run-demo.ts';

export interface DemoActionOptions {
  /** The global `-c/--config` file; undefined for the default layers. */
  configFile: string | undefined;
  /** First bar, a UTC date. */
  from: string;
  /** Market days to replay, as typed. */
  days: string;
  /** Where the report goes. */
  reportDir: string;
}

/**
 * The work of `triplegain demo`: runs the replay, writes `demo-<from>-<days>d.html` and `.json`
 * to `reportDir`, prints the text report (its last line the audit's) and the replay time on
 * stderr. Exit code 1 when the audit of the books the replay left found a violation.
 */
export async function demoAction(options: DemoActionOptions): Promise<void> {
  const started = performance.now();
  const report = await runDemo({ configFile: options.configFile, from: options.from, days: Number(options.days), reportDir: options.reportDir });
  const dir = resolve(options.reportDir);
  await mkdir(dir, { recursive: true });
  const base = `demo-${report.period.from.slice(0, 10)}-${options.days}d`;
  const htmlPath = join(dir, `${base}.html`);
  await writeFile(htmlPath, renderDemoReportHtml(report));
  await writeFile(join(dir, `${base}.json`), `${JSON.stringify(report, null, 2)}\n`);
  console.log(renderDemoReportText(report, htmlPath));
  console.error(`(replayed in ${((performance.now() - started) / 1000).toFixed(1)} s)`);
  // The books the replay left broke an invariant: the demo failed, whatever it earned.
  if (report.audit.violations.length > 0) process.exitCode = 1;
}
