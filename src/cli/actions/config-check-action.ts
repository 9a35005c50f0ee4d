import { loadConfigOrReport } from '../load-config-or-report.ts';

export interface ConfigCheckActionOptions {
  /** The file layered over config/default.yaml: `[file]`, else the global `-c/--config`. */
  configFile: string | undefined;
}

/**
 * The work of `triplegain config check`: prints `config OK: <layers>` when the configuration is
 * valid, else every violation on stderr with exit code 1 (see `loadConfigOrReport`).
 */
export function configCheckAction(options: ConfigCheckActionOptions): void {
  const loaded = loadConfigOrReport(options.configFile);
  if (loaded) console.log(`config OK: ${loaded.layers.join(' < ')}`);
}
