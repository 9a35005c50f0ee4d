import { Option, type Command } from 'commander';
import { roleNames } from '../../runtime/role-names.ts';
import type { Role } from '../../runtime/run-roles.ts';

/**
 * `triplegain start [--role all|worker|scheduler|dashboard] [--queues a,b]`: runs the chosen
 * role in this process until SIGINT/SIGTERM, then shuts down gracefully. Any number of worker
 * processes may run side by side, here or on other machines.
 */
export function registerStartCommand(program: Command): void {
  const queues = new Option('--queues <names>', 'worker role: only these queues, comma-separated');
  program
    .command('start')
    .description('run a role of the cluster in this process until stopped (SIGINT/SIGTERM)')
    .addOption(new Option('--role <role>', 'what this process runs').choices(roleNames).default('all'))
    .addOption(queues)
    .action(async (opts: { role: Role; queues?: string }) => {
      const { startAction } = await import('../actions/start-action.ts');
      await startAction({ ...opts, configFile: program.opts<{ config?: string }>().config });
    });
  // The queue names come from the agents' contracts, which hold schemas: loaded only when `start`
  // (or its help) runs, so `triplegain --help` and the other commands do not load zod for them.
  program.hook('preSubcommand', async (_program, subcommand) => {
    if (subcommand.name() !== 'start') return;
    const { catalogQueueNames } = await import('../../queues/catalog-queue-names.ts');
    queues.description = `worker role: only these queues, comma-separated (${catalogQueueNames.join(', ')})`;
  });
}
