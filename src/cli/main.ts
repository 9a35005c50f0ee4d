import { Command, CommanderError, Option } from 'commander';
import { registerAuditCommand } from './commands/audit-command.ts';
import { registerDataCommands } from './commands/data-commands.ts';
import { registerChaosCommand } from './commands/chaos-command.ts';
import { registerBusCommands } from './commands/bus-commands.ts';
import { registerConfigCommands } from './commands/config-commands.ts';
import { registerControlCommands } from './commands/control-commands.ts';
import { registerDbCommands } from './commands/db-commands.ts';
import { registerDemoCommand } from './commands/demo-command.ts';
import { registerExplainCommand } from './commands/explain-command.ts';
import { registerRehearseCommand } from './commands/rehearse-command.ts';
import { registerLiveCommands } from './commands/live-commands.ts';
import { registerModelsCommands } from './commands/models-commands.ts';
import { registerSchedulesCommands } from './commands/schedules-commands.ts';
import { registerSentimentCommands } from './commands/sentiment-commands.ts';
import { registerStartCommand } from './commands/start-command.ts';
import { registerSweepCommands } from './commands/sweep-commands.ts';
import { registerTradeCommands } from './commands/trade-commands.ts';
import { LOG_FORMATS } from '../shared/log-format.ts';
import { redactSecrets } from '../shared/redact-secrets.ts';
import { describeError, TriplegainError } from '../shared/triplegain-error.ts';

const program = new Command('triplegain')
  .description('Multi-agent crypto trading system for Kraken, run as a Redis-backed worker cluster')
  .option(
    '-c, --config <file>',
    'config file layered over config/default.yaml (default: config/local.yaml when present)',
  )
  .addOption(
    new Option(
      '--log-format <format>',
      'log lines for people or machines (default: pretty on a terminal, else json)',
    ).choices(LOG_FORMATS),
  )
  .showHelpAfterError()
  .exitOverride()
  // Through the environment, so every logger of this process and of the processes it starts (the
  // demo's and chaos's workers) writes the format asked for.
  .hook('preAction', () => {
    const { logFormat } = program.opts<{ logFormat?: string }>();
    if (logFormat !== undefined) process.env.LOG_FORMAT = logFormat;
  });

registerStartCommand(program);
registerConfigCommands(program);
registerDbCommands(program);
registerDataCommands(program);
registerBusCommands(program);
registerSentimentCommands(program);
registerSchedulesCommands(program);
registerControlCommands(program);
registerTradeCommands(program);
registerDemoCommand(program);
registerSweepCommands(program);
registerExplainCommand(program);
registerAuditCommand(program);
registerModelsCommands(program);
registerChaosCommand(program);
registerRehearseCommand(program);
registerLiveCommands(program);

try {
  await program.parseAsync(process.argv);
} catch (err) {
  if (err instanceof CommanderError) {
    process.exitCode = err.exitCode;
  } else {
    const text = err instanceof TriplegainError ? err.message : describeError(err);
    console.error(redactSecrets(`error: ${text}`));
    process.exitCode = 1;
  }
}
