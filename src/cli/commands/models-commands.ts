import { InvalidArgumentError, type Command } from 'commander';

/** Default wall time of one provider call during `models check`, ms. */
const DEFAULT_TIMEOUT_MS = 15_000;

/**
 * `triplegain models check [--timeout-ms <ms>]`: for every model the configuration names (each
 * provider's default model, the decision panel, the sentiment models; not the built-in `rules`),
 * asks its provider whether it knows the id (its models endpoint) and sends it a one-line probe,
 * and flags ids the provider or the installed SDKs mark deprecated. Prints one line per model
 * (`OK`, `FIX` with what to change, or `SKIP` for a provider with no API key), then a count.
 * Exit code 1 when a model needs fixing (or the config is invalid), else 0. Never prints a key.
 */
export function registerModelsCommands(program: Command): void {
  const models = program.command('models').description('check the configured model ids against their providers');

  models
    .command('check')
    .description(
      'ask each provider whether it knows and answers each configured model; exit code 1 when one needs fixing',
    )
    .option('--timeout-ms <ms>', 'wall time of one provider call, ms', parseTimeoutMs, DEFAULT_TIMEOUT_MS)
    .action(async (opts: { timeoutMs: number }) => {
      const { modelsCheckAction } = await import('../actions/models-check-action.ts');
      await modelsCheckAction({ configFile: program.opts<{ config?: string }>().config, timeoutMs: opts.timeoutMs });
    });
}

function parseTimeoutMs(value: string): number {
  const ms = Number(value);
  if (!Number.isInteger(ms) || ms < 100 || ms > 600_000)
    throw new InvalidArgumentError('expected a whole number of ms from 100 to 600000');
  return ms;
}
