import { ConfigError } from '../config/config-error.ts';
import { loadConfig, type LoadedConfig } from '../config/load-config.ts';
import { redactSecrets } from '../shared/redact-secrets.ts';

/**
 * Loads the layered config over `file`. On violations prints them all to stderr (secrets
 * redacted) with the layers applied, sets exit code 1 and returns undefined; any other error
 * is thrown.
 */
export function loadConfigOrReport(file: string | undefined): LoadedConfig | undefined {
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
