import { Redis } from 'ioredis';
import { ControlPlane } from '../control/control-plane.ts';
import type { Runtime } from '../runtime/open-runtime.ts';
import { withRuntime } from './with-runtime.ts';

/**
 * Runs a CLI command with the control plane over a runtime opened from `configFile` (see
 * `withRuntime`, which `logLevel` goes to), on a connection of its own for BullMQ; everything
 * is closed afterwards whatever `work` does.
 */
export async function withControl<T>(
  configFile: string | undefined,
  work: (control: ControlPlane, rt: Runtime) => Promise<T>,
  logLevel?: string,
): Promise<T> {
  return withRuntime(
    configFile,
    async (rt) => {
      const connection = new Redis(rt.redisUrl, { maxRetriesPerRequest: null });
      try {
        return await work(
          new ControlPlane({ redis: rt.redis, keys: rt.keys, connection, bus: rt.bus, logger: rt.logger }),
          rt,
        );
      } finally {
        connection.disconnect();
      }
    },
    logLevel,
  );
}
