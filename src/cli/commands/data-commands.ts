import type { Command } from 'commander';

/**
 * `triplegain data import FILE --pair P --timeframe T [--format kraken|csv|binance] [--to T2]`:
 * reads a candle file (header or not; Unix seconds or milliseconds), fills its gaps as Kraken
 * does, resamples to `--to` when given, and stores the bars in the configured database's
 * candle store, all or nothing. `triplegain data download --pair P --timeframe T [--since D]`:
 * the same from Kraken's public OHLC endpoint. `triplegain data list`: what the candle store holds.
 */
export function registerDataCommands(program: Command): void {
  const data = program.command('data').description('candles of your own: import files into the candle store, list it');
  data
    .command('import')
    .description('import a candle file into the candle store (all or nothing: a bad row stores nothing)')
    .argument('<file>', 'the file to read')
    .requiredOption('--pair <pair>', 'the pair the file holds, e.g. ETH/USD')
    .requiredOption('--timeframe <tf>', "the file's bar length: 1m 5m 15m 30m 1h 4h 1d 1w")
    .option('--format <format>', 'kraken (OHLCVT, no header) | csv | binance', 'kraken')
    .option('--to <tf>', 'store bars of this larger timeframe instead, made from the file')
    .action(async (file: string, opts: { pair: string; timeframe: string; format: string; to?: string }) => {
      const { dataImportAction } = await import('../actions/data-import-action.ts');
      await dataImportAction({ ...opts, file, configFile: program.opts<{ config?: string }>().config });
    });
  data
    .command('download')
    .description(
      "closed bars of a pair from Kraken's public OHLC endpoint into the candle store (Kraken serves its last 720)",
    )
    .requiredOption('--pair <pair>', 'the pair, e.g. ETH/USD')
    .requiredOption('--timeframe <tf>', 'bar length: 1m 5m 15m 30m 1h 4h 1d 1w')
    .option('--since <date>', 'first bar wanted (UTC date)')
    .action(async (opts: { pair: string; timeframe: string; since?: string }) => {
      const { dataDownloadAction } = await import('../actions/data-download-action.ts');
      await dataDownloadAction({ ...opts, configFile: program.opts<{ config?: string }>().config });
    });
  data
    .command('list')
    .description('pairs and timeframes in the candle store, with their bars and first and last')
    .action(async () => {
      const { dataListAction } = await import('../actions/data-list-action.ts');
      await dataListAction({ configFile: program.opts<{ config?: string }>().config });
    });
}
