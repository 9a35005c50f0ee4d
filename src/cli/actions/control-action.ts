import { userInfo } from 'node:os';
import type { ControlCommand } from '../../model/control-command.ts';
import { withControl } from '../with-control.ts';

export interface ControlActionOptions {
  /** The global `-c/--config` file; undefined for the default layers. */
  configFile: string | undefined;
  command: ControlCommand;
  /** Why, for the event log. */
  reason: string;
  /** `halt`: also cancel open orders. */
  cancelOrders?: boolean;
  /** `halt`: also close every position. */
  flatten?: boolean;
}

/**
 * The work of `triplegain pause|resume|halt|reset`: applies the command through the control
 * plane, requested by `cli:<user>`, and prints the transition and the paused queues. Exit code 3
 * when submissions were still under way after the wait (each named in a warning).
 */
export async function controlAction(options: ControlActionOptions): Promise<void> {
  await withControl(
    options.configFile,
    async (control) => {
      const result = await control.apply(options.command, {
        requestedBy: `cli:${userInfo().username}`,
        reason: options.reason,
        cancelOrders: options.cancelOrders,
        flatten: options.flatten,
      });
      console.log(
        `${result.from} → ${result.to} (version ${result.version}); paused queues: ${result.pausedQueues.join(', ') || 'none'}`,
      );
      if (result.stillInFlight.length > 0) {
        console.log(
          `WARNING: ${result.stillInFlight.length} submission(s) still under way after the wait: ${result.stillInFlight.join(', ')}`,
        );
        process.exitCode = 3;
      }
      // Errors only: the transition the control plane logs as a warning is the line printed above.
    },
    'error',
  );
}
