import type { Command } from 'commander';
import type { ControlCommand } from '../../model/control-command.ts';

/**
 * The kill switch and its siblings on the command line: `pause`, `resume`, `halt`, `reset`,
 * `status`. They act on Redis directly, so they work while every worker is busy or down.
 */
export function registerControlCommands(program: Command): void {
  const configFile = () => program.opts<{ config?: string }>().config;
  const act = (command: ControlCommand, description: string) =>
    program
      .command(command)
      .description(description)
      .option('--reason <text>', 'why, for the event log', '')
      .action(async (opts: { reason: string; cancelOrders?: boolean; flatten?: boolean }) => {
        const { controlAction } = await import('../actions/control-action.ts');
        await controlAction({ ...opts, command, configFile: configFile() });
      });

  act('pause', 'no new entries anywhere (agent queues paused); exits and protective orders go on');
  act('resume', 'trade again after a pause (after a halt: `reset` first)');
  act('halt', 'kill switch: pause every queue that can lead to an order and wait until no submission is under way')
    .option('--cancel-orders', 'also cancel open orders')
    .option('--flatten', 'also close every position');
  act('reset', 'leave a halt (to PAUSED) and clear the risk circuit breakers');

  program
    .command('status')
    .description(
      "trading state, degradation, risk breakers, equity, cash, positions and their stops, open orders, today's P&L, queues, bus lag, last decisions; exit code 1 when Redis or PostgreSQL could not be read",
    )
    .option('--json', 'print the status document as JSON')
    .action(async (opts: { json?: boolean }) => {
      const { statusAction } = await import('../actions/status-action.ts');
      await statusAction({ ...opts, configFile: configFile() });
    });
}
