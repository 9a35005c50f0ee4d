import { checkModels, type ModelCheck } from '../../llm/check-models.ts';
import { loadSdkDeprecatedModels } from '../../llm/sdk-deprecated-models.ts';
import { loadConfigOrReport } from '../load-config-or-report.ts';

/** Exit code when a configured model needs fixing. */
export const MODELS_TO_FIX_EXIT_CODE = 1;

export interface ModelsCheckActionOptions {
  /** The global `-c/--config` file; undefined for the default layers. */
  configFile: string | undefined;
  /** Wall time of one provider call, ms. */
  timeoutMs: number;
}

const LABELS: Record<ModelCheck['outcome'], string> = { ok: 'OK', fix: 'FIX', skipped: 'SKIP' };

/**
 * The work of `triplegain models check`: checks every configured model (`checkModels`) and
 * prints one line per model on stdout, then `models check: N ok, M to fix, K skipped`. Sets
 * `process.exitCode` to `MODELS_TO_FIX_EXIT_CODE` when a model needs fixing; an invalid config
 * is reported by `loadConfigOrReport` (exit code 1). The details are redacted by `checkModels`.
 */
export async function modelsCheckAction(options: ModelsCheckActionOptions): Promise<void> {
  const loaded = loadConfigOrReport(options.configFile);
  if (!loaded) return;
  const sdkDeprecated = await loadSdkDeprecatedModels();
  if (sdkDeprecated === undefined)
    console.error(
      'note: the installed @anthropic-ai/sdk has no deprecated-models table; deprecated Claude ids are not flagged',
    );
  const checks = await checkModels(loaded.config, { timeoutMs: options.timeoutMs, sdkDeprecated });
  for (const check of checks)
    console.log(`${LABELS[check.outcome].padEnd(4)} ${check.provider}/${check.model}: ${check.detail}`);
  const count = (outcome: ModelCheck['outcome']) => checks.filter((c) => c.outcome === outcome).length;
  console.log(`models check: ${count('ok')} ok, ${count('fix')} to fix, ${count('skipped')} skipped`);
  if (count('fix') > 0) process.exitCode = MODELS_TO_FIX_EXIT_CODE;
}
