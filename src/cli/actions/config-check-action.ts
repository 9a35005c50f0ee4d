import { projectRoot } from '../../shared/project-root.ts';
import { TriplegainError } from '../../shared/triplegain-error.ts';
import { loadPanelStrategies } from '../../strategies/load-panel-strategies.ts';
import { loadConfigOrReport } from '../load-config-or-report.ts';

export interface ConfigCheckActionOptions {
  /** The file layered over config/default.yaml: `[file]`, else the global `-c/--config`. */
  configFile: string | undefined;
}

/**
 * The work of `triplegain config check`: prints `config OK: <layers>` when the configuration is
 * valid and every strategy file of the panel loads, else every violation (or the strategy's
 * problem) on stderr with exit code 1 (see `loadConfigOrReport`, `loadPanelStrategies`).
 */
export async function configCheckAction(options: ConfigCheckActionOptions): Promise<void> {
  const loaded = loadConfigOrReport(options.configFile);
  if (!loaded) return;
  try {
    const strategies = await loadPanelStrategies(loaded.config.agents.decision.panel, projectRoot);
    console.log(`config OK: ${loaded.layers.join(' < ')}`);
    for (const s of strategies) console.log(`  ${s.model} from ${s.file} (${s.lookback} bars)`);
  } catch (err) {
    if (!(err instanceof TriplegainError) || err.code !== 'CONFIG_INVALID') throw err;
    console.error(err.message);
    process.exitCode = 1;
  }
}
