import type { Command } from 'commander';

/**
 * `triplegain live check`: the preflight to run before going live with real money. With the
 * Kraken API key from the environment (`KRAKEN_API_KEY`, `KRAKEN_API_SECRET`; never printed)
 * it checks the key's rights (Query Funds, Query Open and Closed Orders & Trades, Create &
 * Modify Orders, Cancel/Close Orders; a key that may withdraw funds is refused), reports the
 * configured tier with the fees and 30-day volume Kraken reports, checks each pair of
 * `symbols.pairs` is listed online with a minimum order the configured order sizes reach at the
 * current price and instrument rules no looser than Kraken's, values the balances in
 * `symbols.cashAsset`, compares the local clock with Kraken's, sends one AddOrder per pair with
 * `validate=true` (Kraken checks it and places nothing) and checks Kraken took every nonce.
 * Prints one line per check, `OK` or `WARN`/`FAIL` with what to fix, then a summary line. Exit
 * code 1 on any FAIL (no keys included); no order is ever placed.
 */
export function registerLiveCommands(program: Command): void {
  const live = program.command('live').description('checks before trading real money on Kraken');
  live
    .command('check')
    .description(
      'check the Kraken key, account, pairs, clock and a validate-only order per pair; exit code 1 on a failure; places no order',
    )
    .action(async () => {
      const { liveCheckAction } = await import('../actions/live-check-action.ts');
      await liveCheckAction({ configFile: program.opts<{ config?: string }>().config });
    });
}
