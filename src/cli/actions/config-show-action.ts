import { stringify } from 'yaml';
import { maskSecrets } from '../../config/mask-secrets.ts';
import { redactSecrets } from '../../shared/redact-secrets.ts';
import { loadConfigOrReport } from '../load-config-or-report.ts';

export interface ConfigShowActionOptions {
  /** The file layered over config/default.yaml: `[file]`, else the global `-c/--config`. */
  configFile: string | undefined;
}

/**
 * The work of `triplegain config show`: prints the effective configuration as YAML under a
 * comment naming the layers, secrets masked; when it is invalid, prints every violation on
 * stderr with exit code 1 instead (see `loadConfigOrReport`).
 */
export function configShowAction(options: ConfigShowActionOptions): void {
  const loaded = loadConfigOrReport(options.configFile);
  if (!loaded) return;
  const header = `# effective configuration: ${loaded.layers.join(' < ')}\n`;
  process.stdout.write(redactSecrets(header + stringify(maskSecrets(loaded.config))));
}
