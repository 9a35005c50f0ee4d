import { z } from 'zod';
import { catalogQueueNames, type CatalogQueueName } from '../../queues/catalog-queue-names.ts';
import { runRoles, type Role } from '../../runtime/run-roles.ts';
import { TriplegainError } from '../../shared/triplegain-error.ts';

export interface StartActionOptions {
  /** The global `-c/--config` file; undefined for the default layers. */
  configFile: string | undefined;
  role: Role;
  /** Worker role: only these queues, comma-separated; all when undefined. */
  queues?: string;
}

/**
 * The work of `triplegain start`: runs `role` until SIGINT or SIGTERM (see `runRoles`). A
 * `queues` list that is empty or names a queue not in the catalog fails with `CONFIG_INVALID`
 * before anything is opened.
 */
export async function startAction(options: StartActionOptions): Promise<void> {
  await runRoles({
    configFile: options.configFile,
    role: options.role,
    queues: options.queues === undefined ? undefined : parseQueues(options.queues),
  });
}

function parseQueues(list: string): CatalogQueueName[] {
  const names = list
    .split(',')
    .map((s) => s.trim())
    .filter((s) => s !== '');
  const parsed = z.array(z.enum(catalogQueueNames)).min(1).safeParse(names);
  if (!parsed.success) {
    throw new TriplegainError(
      'CONFIG_INVALID',
      `--queues ${JSON.stringify(list)}: expected some of ${catalogQueueNames.join(', ')}`,
    );
  }
  return parsed.data;
}
