import { openRuntime, type Runtime } from '../runtime/open-runtime.ts';
import { createLogger } from '../shared/logger.ts';

/**
 * Runs a CLI command with a runtime (Redis and the bus, no database) opened from `configFile`
 * (the global `-c/--config`; undefined for the default layers), closed afterwards whatever
 * `work` does; logs on stderr from `logLevel` (default warnings) up.
 */
export async function withRuntime<T>(
  configFile: string | undefined,
  work: (rt: Runtime) => Promise<T>,
  logLevel = 'warn',
): Promise<T> {
  const rt = await openRuntime({ configFile, service: 'cli', logger: createLogger({ level: logLevel, stderr: true }) });
  try {
    return await work(rt);
  } finally {
    await rt.close();
  }
}
