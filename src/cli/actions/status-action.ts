import { readClusterStatus } from '../../control/read-cluster-status.ts';
import { withControl } from '../with-control.ts';

export interface StatusActionOptions {
  /** The global `-c/--config` file; undefined for the default layers. */
  configFile: string | undefined;
  /** Print JSON instead of lines. */
  json?: boolean;
}

/**
 * The work of `triplegain status`: prints the trading state, degradation level, paused queues,
 * submissions under way and the last risk decision's breakers, as lines or JSON.
 */
export async function statusAction(options: StatusActionOptions): Promise<void> {
  await withControl(options.configFile, async (control, rt) => {
    const status = await readClusterStatus({ control, redis: rt.redis, keys: rt.keys });
    if (options.json) {
      console.log(JSON.stringify(status, null, 2));
      return;
    }
    const c = status.control;
    console.log(`state        ${c.state} (version ${c.version}${c.requestedBy ? `, by ${c.requestedBy}` : ''}${c.reason ? `: ${c.reason}` : ''})`);
    console.log(`degradation  ${status.degradation.level}`);
    console.log(`paused       ${c.pausedQueues.join(', ') || 'none'}`);
    console.log(`in flight    ${c.submissionsInFlight.length}`);
    console.log(`risk         ${status.risk ? JSON.stringify(status.risk) : 'no risk decision yet'}`);
  });
}
