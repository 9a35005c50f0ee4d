import { userInfo } from 'node:os';
import type { Command } from 'commander';
import { Redis } from 'ioredis';
import { ControlPlane } from '../../control/control-plane.ts';
import type { ControlCommand } from '../../control/coordinator-state.ts';
import { readClusterStatus } from '../../control/read-cluster-status.ts';
import type { Runtime } from '../../runtime/open-runtime.ts';
import { withRuntime } from '../with-runtime.ts';

async function withControl<T>(program: Command, work: (control: ControlPlane, rt: Runtime) => Promise<T>): Promise<T> {
  return withRuntime(program, async (rt) => {
    const connection = new Redis(rt.redisUrl, { maxRetriesPerRequest: null });
    try {
      return await work(new ControlPlane({ redis: rt.redis, keys: rt.keys, connection, bus: rt.bus, logger: rt.logger }), rt);
    } finally {
      connection.disconnect();
    }
  });
}

const requester = () => `cli:${userInfo().username}`;

/**
 * The kill switch and its siblings on the command line: `pause`, `resume`, `halt`, `reset`,
 * `status`. They act on Redis directly, so they work while every worker is busy or down.
 */
export function registerControlCommands(program: Command): void {
  const act = (command: ControlCommand, description: string) =>
    program
      .command(command)
      .description(description)
      .option('--reason <text>', 'why, for the event log', '')
      .action(async (opts: { reason: string; cancelOrders?: boolean; flatten?: boolean }) => {
        await withControl(program, async (control) => {
          const result = await control.apply(command, { requestedBy: requester(), reason: opts.reason, cancelOrders: opts.cancelOrders, flatten: opts.flatten });
          console.log(`${result.from} → ${result.to} (version ${result.version}); paused queues: ${result.pausedQueues.join(', ') || 'none'}`);
          if (result.stillInFlight.length > 0) {
            console.log(`WARNING: ${result.stillInFlight.length} submission(s) still under way after the wait: ${result.stillInFlight.join(', ')}`);
            process.exitCode = 3;
          }
        });
      });

  act('pause', 'no new entries anywhere (agent queues paused); exits and protective orders go on');
  act('resume', 'trade again after a pause (after a halt: `reset` first)');
  act('halt', 'kill switch: pause every queue that can lead to an order and wait until no submission is under way')
    .option('--cancel-orders', 'also cancel open orders')
    .option('--flatten', 'also close every position');
  act('reset', 'leave a halt (to PAUSED) and clear the risk circuit breakers');

  program
    .command('status')
    .description('trading state, degradation level, paused queues, submissions under way, risk breakers')
    .option('--json', 'print JSON')
    .action(async (opts: { json?: boolean }) => {
      await withControl(program, async (control, rt) => {
        const status = await readClusterStatus({ control, redis: rt.redis, keys: rt.keys });
        if (opts.json) {
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
    });
}
