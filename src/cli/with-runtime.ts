import type { Command } from 'commander';
import { openRuntime, type Runtime } from '../runtime/open-runtime.ts';
import { createLogger } from '../shared/logger.ts';

/** Runs a CLI command with a runtime (Redis and the bus, no database), closed afterwards; logs only warnings, on stderr. */
export async function withRuntime<T>(program: Command, work: (rt: Runtime) => Promise<T>): Promise<T> {
  const rt = await openRuntime({ configFile: program.opts<{ config?: string }>().config, service: 'cli', logger: createLogger({ level: 'warn', stderr: true }) });
  try {
    return await work(rt);
  } finally {
    await rt.close();
  }
}
