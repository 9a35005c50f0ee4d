import { Option, type Command } from 'commander';
import { z } from 'zod';
import { queueCatalog, type CatalogQueueName } from '../../queues/queue-catalog.ts';
import { TriplegainError } from '../../shared/triplegain-error.ts';
import { runRoles, Role } from '../../runtime/run-roles.ts';

/**
 * `triplegain start [--role all|worker|scheduler|dashboard] [--queues a,b]`: runs the chosen
 * role in this process until SIGINT/SIGTERM, then shuts down gracefully. Any number of worker
 * processes may run side by side, here or on other machines.
 */
export function registerStartCommand(program: Command): void {
  program
    .command('start')
    .description('run a role of the cluster in this process until stopped (SIGINT/SIGTERM)')
    .addOption(new Option('--role <role>', 'what this process runs').choices(Role.options).default('all'))
    .option('--queues <names>', `worker role: only these queues, comma-separated (${Object.keys(queueCatalog).join(', ')})`)
    .action(async (opts: { role: Role; queues?: string }) => {
      await runRoles({
        configFile: program.opts<{ config?: string }>().config,
        role: opts.role,
        queues: opts.queues === undefined ? undefined : parseQueues(opts.queues),
      });
    });
}

function parseQueues(list: string): CatalogQueueName[] {
  const names = list.split(',').map((s) => s.trim()).filter((s) => s !== '');
  const parsed = z.array(z.enum(Object.keys(queueCatalog) as [CatalogQueueName, ...CatalogQueueName[]])).min(1).safeParse(names);
  if (!parsed.success) {
    throw new TriplegainError('CONFIG_INVALID', `--queues ${JSON.stringify(list)}: expected some of ${Object.keys(queueCatalog).join(', ')}`);
  }
  return parsed.data;
}
