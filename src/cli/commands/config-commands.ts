import type { Command } from 'commander';

/**
 * `triplegain config check [file]` validates the layered configuration and prints every
 * violation at once (exit 1) or one OK line naming the layers applied (exit 0).
 * `triplegain config show [file]` prints the effective configuration as YAML, secrets masked.
 * `[file]` replaces `config/local.yaml` and wins over the global `-c/--config`.
 */
export function registerConfigCommands(program: Command): void {
  const config = program.command('config').description('validate or print the configuration');
  const chosenFile = (file: string | undefined) => file ?? program.opts<{ config?: string }>().config;

  config
    .command('check')
    .description('validate the configuration and print every violation (exit code 1 when invalid)')
    .argument('[file]', 'config file layered over config/default.yaml instead of config/local.yaml')
    .action(async (file: string | undefined) => {
      const { configCheckAction } = await import('../actions/config-check-action.ts');
      await configCheckAction({ configFile: chosenFile(file) });
    });

  config
    .command('show')
    .description('print the effective configuration as YAML, secrets masked')
    .argument('[file]', 'config file layered over config/default.yaml instead of config/local.yaml')
    .action(async (file: string | undefined) => {
      const { configShowAction } = await import('../actions/config-show-action.ts');
      configShowAction({ configFile: chosenFile(file) });
    });
}
