import { mkdir, writeFile } from 'node:fs/promises';
import { join, resolve } from 'node:path';
import type { Command } from 'commander';
import { renderDemoReportHtml, renderDemoReportText } from '../../demo/render-demo-report.ts';
import { runDemo } from '../../demo/run-demo.ts';

/**
 * `triplegain demo`: replays recorded Kraken hourly candles of the configured pairs through
 * the whole cluster (paper exchange, `rules` panel), then prints a report and writes it, with
 * the equity curve, to `.data/reports/`. The report ends with the audit of the books the
 * replay left (`triplegain audit`); exit code 1 when it found a violation.
 */
export function registerDemoCommand(program: Command): void {
  program
    .command('demo')
    .description('replay recorded Kraken history through the whole system on the paper exchange, then report')
    .option('--from <date>', 'first bar (UTC date)', '2021-11-01')
    .option('--days <n>', 'market days to replay', '60')
    .option('--report-dir <dir>', 'where the report goes', '.data/reports')
    .action(async (opts: { from: string; days: string; reportDir: string }) => {
      const started = performance.now();
      const report = await runDemo({ configFile: program.opts<{ config?: string }>().config, from: opts.from, days: Number(opts.days), reportDir: opts.reportDir });
      const dir = resolve(opts.reportDir);
      await mkdir(dir, { recursive: true });
      const base = `demo-${report.period.from.slice(0, 10)}-${opts.days}d`;
      const htmlPath = join(dir, `${base}.html`);
      await writeFile(htmlPath, renderDemoReportHtml(report));
      await writeFile(join(dir, `${base}.json`), `${JSON.stringify(report, null, 2)}\n`);
      console.log(renderDemoReportText(report, htmlPath));
      console.error(`(replayed in ${((performance.now() - started) / 1000).toFixed(1)} s)`);
      // The books the replay left broke an invariant: the demo failed, whatever it earned.
      if (report.audit.violations.length > 0) process.exitCode = 1;
    });
}
