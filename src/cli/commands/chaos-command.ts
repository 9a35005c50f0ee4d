import type { Command } from 'commander';

/**
 * `triplegain chaos [--minutes 5] [--workers 3] [--seed N] [--speed 3600] [--no-faults] [--keep]`: starts a
 * cluster of its own (redis-server with AOF, a new PostgreSQL database on `DATABASE_URL`'s
 * server, a scheduler, N workers and the dashboard on replay), runs a fault-free baseline and
 * then a seeded fault schedule (worker SIGKILLs, Redis kill -9 and restart, terminated database
 * backends, FLUSHALL while halted, halts under load with Bull Board resume attempts), stops it,
 * audits the books and prints one line per fault kind and the `chaos: …` line. Exit code 1
 * unless no order reached the exchange after a halt returned, no process exited unplanned and
 * the audit found nothing (and every halt held, every fault recovered). Ctrl-C (or SIGTERM)
 * stops the cluster and removes what the run created (kept with `--keep`), exit code 130 (143).
 */
export function registerChaosCommand(program: Command): void {
  program
    .command('chaos')
    .description('attack a cluster of its own with seeded faults, then audit it; exit code 1 when a promise broke')
    .option('--minutes <n>', 'wall minutes of the whole run', '5')
    .option('--workers <n>', 'worker processes', '3')
    .option('--seed <n>', 'seed of the fault schedule (default: random, printed)')
    .option('--speed <n>', 'replay speed (market seconds per wall second)', '3600')
    .option('--no-faults', 'no fault schedule: the whole run is the fault-free reference')
    .option('--keep', 'keep the database, Redis files and logs even when the run passed')
    .action(
      async (opts: {
        minutes: string;
        workers: string;
        seed?: string;
        speed: string;
        faults: boolean;
        keep?: boolean;
      }) => {
        const [{ parseChaosOptions }, { runChaos }, { harnessRunAction }] = await Promise.all([
          import('../../chaos/chaos-options.ts'),
          import('../../chaos/run-chaos.ts'),
          import('../actions/harness-run-action.ts'),
        ]);
        const options = parseChaosOptions({
          minutes: opts.minutes,
          workers: opts.workers,
          seed: opts.seed,
          speed: opts.speed,
          faults: opts.faults,
          keep: opts.keep ?? false,
        });
        await harnessRunAction((say) => runChaos(options, say));
      },
    );
}
