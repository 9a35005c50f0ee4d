import { Option, type Command } from 'commander';
import { SWEEP_METRICS } from '../../sweep/sweep-metrics.ts';
import type { SweepMetric } from '../../sweep/sweep-spec.ts';

/**
 * `triplegain sweep --grid FILE [--metric M] [--workers N]`: a grid of configurations replayed
 * as BullMQ jobs across the cluster's sweep workers, printed ranked and written to
 * `.data/sweeps/`. `triplegain sweep-worker`: a process taking sweep runs until stopped.
 */
export function registerSweepCommands(program: Command): void {
  program
    .command('sweep')
    .description('replay every combination of a grid of config values across the sweep workers, then rank them')
    .requiredOption('--grid <file>', 'the sweep file: from, days or to, base, metric, grid (README, "Sweeps")')
    .addOption(new Option('--metric <metric>', "rank by this instead of the file's metric").choices(SWEEP_METRICS))
    .option('--workers <n>', 'sweep workers to start on this machine for the sweep; 0: only the workers up', '1')
    .option('--out <dir>', 'where the ranked results go (CSV and JSON)', '.data/sweeps')
    .action(async (opts: { grid: string; metric?: SweepMetric; workers: string; out: string }) => {
      const { sweepAction } = await import('../actions/sweep-action.ts');
      await sweepAction({ ...opts, configFile: program.opts<{ config?: string }>().config });
    });
  program
    .command('sweep-worker')
    .description('take sweep runs from the cluster until stopped (SIGTERM or SIGINT)')
    .option('--concurrency <n>', 'runs at once (a replay takes a core)', '1')
    .option(
      '--lock-duration-ms <ms>',
      "wall time a dead worker's run stays taken before another worker retries it",
      '30000',
    )
    .action(async (opts: { concurrency: string; lockDurationMs: string }) => {
      const { sweepWorkerAction } = await import('../actions/sweep-worker-action.ts');
      await sweepWorkerAction({ ...opts, configFile: program.opts<{ config?: string }>().config });
    });
}
