import type { Command } from 'commander';

/**
 * `triplegain demo`: replays recorded Kraken hourly candles of the configured pairs through
 * the whole cluster (paper exchange, `rules` panel), then prints a report and writes it, with
 * the equity curve, to `.data/reports/` (named after pairs, timeframe and period; `--keep`
 * keeps the replay's database beside it). The report ends with the audit of the books the
 * replay left (`triplegain audit`); exit code 1 when it found a violation.
 */
export function registerDemoCommand(program: Command): void {
  program
    .command('demo')
    .description('replay recorded Kraken history through the whole system on the paper exchange, then report')
    .option('--from <date>', 'first bar (UTC date)', '2021-11-01')
    .option('--days <n>', 'market days to replay (default 60, or up to --to)')
    .option('--to <date>', 'end of the replay, exclusive (UTC date); instead of --days')
    .option('--report-dir <dir>', 'where the report goes', '.data/reports')
    .option('--keep', "keep the replay's database beside the report, and print how to explain and audit it")
    .action(async (opts: { from: string; days?: string; to?: string; reportDir: string; keep?: boolean }) => {
      const { demoAction } = await import('../actions/demo-action.ts');
      await demoAction({ ...opts, configFile: program.opts<{ config?: string }>().config });
    });
}
