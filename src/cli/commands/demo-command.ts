import type { Command } from 'commander';

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
      const { demoAction } = await import('../actions/demo-action.ts');
      await demoAction({ ...opts, configFile: program.opts<{ config?: string }>().config });
    });
}
