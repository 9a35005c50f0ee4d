import type { Command } from 'commander';
import { stringify } from 'yaml';
import { ConfigError } from '../../config/config-error.ts';
import { loadConfig, type LoadedConfig } from '../../config/load-config.ts';
import { maskSecrets } from '../../config/mask-secrets.ts';
import { redactSecrets } from '../../shared/redact-secrets.ts';

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
    .action((file: string | undefined) => {
      const loaded = load(chosenFile(file));
      if (loaded) console.log(`config OK: ${loaded.layers.join(' < ')}`);
    });

  config
    .command('show')
    .description('print the effective configuration as YAML, secrets masked')
    .argument('[file]', 'config file layered over config/default.yaml instead of config/local.yaml')
    .action((file: string | undefined) => {
      const loaded = load(chosenFile(file));
      if (!loaded) return;
      const header = `# effective configuration: ${loaded.layers.join(' < ')}\n`;
      process.stdout.write(redactSecrets(header + stringify(maskSecrets(loaded.config))));
    });
}

/** Loads the config; on violations prints them all to stderr, sets exit code 1 and returns undefined. */
function load(file: string | undefined): LoadedConfig | undefined {
  try {
    return loadConfig({ file });
  } catch (err) {
    if (!(err instanceof ConfigError)) throw err;
    console.error(redactSecrets(err.message));
    if (err.layers.length > 0) console.error(`layers: ${err.layers.join(' < ')}`);
    process.exitCode = 1;
    return undefined;
  }
}
