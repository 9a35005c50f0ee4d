import type { Command } from 'commander';

/**
 * `triplegain rehearse [--minutes 5] [--workers 2] [--seed N] [--speed 300] [--no-faults] [--keep]`:
 * the live path rehearsed end to end without a Kraken account. Starts the Kraken stand-in (strict:
 * Kraken's AssetPairs rules, held funds, rate limits, `deadline`, the dead man's switch), a
 * redis-server and a PostgreSQL database of its own, runs `live check` against the stand-in,
 * then a scheduler and N workers in live mode on replay while a seeded schedule injects faults
 * (AddOrder timeouts after the order was accepted, 5xx, dropped connections, a nonce error, the
 * dead man's switch firing during an outage); then stops the cluster, audits the books and prints
 * `rehearse: <orders> orders, <refused> refused by the exchange (by reason), <rate> rate-limit
 * errors, <unprotected> position-minutes without a stop, audit <v> violations`. Exit code 1 unless
 * the preflight passed, orders were placed, and rule refusals, rate-limit errors, unprotected
 * minutes, unplanned exits and violations are all 0. Ctrl-C stops it and removes what it created.
 */
export function registerRehearseCommand(program: Command): void {
  program
    .command('rehearse')
    .description(
      'rehearse the live path against a strict Kraken stand-in with seeded faults; exit code 1 when a promise broke',
    )
    .option('--minutes <n>', 'wall minutes the cluster trades', '5')
    .option('--workers <n>', 'worker processes', '2')
    .option('--seed <n>', 'seed of the fault schedule (default: random, printed)')
    .option(
      '--speed <n>',
      "replay speed (market seconds per wall second; default 300: Kraken's counters decay in wall time)",
    )
    .option('--no-faults', 'no fault schedule')
    .option('--keep', 'keep the database, Redis files and logs even when the run passed')
    .action(
      async (opts: {
        minutes: string;
        workers: string;
        seed?: string;
        speed?: string;
        faults: boolean;
        keep?: boolean;
      }) => {
        const [{ parseRehearseOptions }, { runRehearsal }, { harnessRunAction }] = await Promise.all([
          import('../../rehearse/rehearse-options.ts'),
          import('../../rehearse/run-rehearsal.ts'),
          import('../actions/harness-run-action.ts'),
        ]);
        const options = parseRehearseOptions({
          minutes: opts.minutes,
          workers: opts.workers,
          seed: opts.seed,
          speed: opts.speed,
          faults: opts.faults,
          keep: opts.keep ?? false,
        });
        await harnessRunAction((say) => runRehearsal(options, say));
      },
    );
}
