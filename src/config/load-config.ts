import { existsSync } from 'node:fs';
import { isAbsolute, join, relative, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import { redactSecrets } from '../shared/redact-secrets.ts';
import { AppConfig } from './app-config.ts';
import { ConfigError, type ConfigViolation } from './config-error.ts';
import { deepMerge } from './deep-merge.ts';
import { applyEnvOverrides } from './env-overrides.ts';
import { formatViolations } from './format-violations.ts';
import { interpolateEnv } from './interpolate-env.ts';
import { readYamlLayer } from './read-yaml-layer.ts';
import { refuseLiteralSecrets } from './refuse-literal-secrets.ts';

/** `config/` of the project, wherever the process was started from. */
export const DEFAULT_CONFIG_DIR = fileURLToPath(new URL('../../config/', import.meta.url));

/**
 * Mappings a file replaces as a whole instead of merging into: an allocation must sum to 100,
 * so keeping a default asset the file leaves out would never be what was meant.
 */
const REPLACED_WHOLE: ReadonlySet<string> = new Set(['portfolio.targets']);

/** Environment variable naming a config file to use instead of `config/local.yaml`. */
export const CONFIG_FILE_ENV = 'TRIPLEGAIN_CONFIG';

export interface LoadConfigOptions {
  /** File layered over the defaults instead of `config/local.yaml` (relative to the working directory). */
  file?: string;
  /** Environment for overrides and `${VAR}` references; defaults to `process.env`. */
  env?: NodeJS.ProcessEnv;
  /** Directory holding `default.yaml` and `local.yaml`; defaults to the project's `config/`. */
  configDir?: string;
}

export interface LoadedConfig {
  config: AppConfig;
  /** What was applied, lowest first: files, then environment overrides and references. */
  layers: string[];
}

/**
 * Loads the configuration: `default.yaml` ← `local.yaml` if present (or `file`, or the file
 * named by `TRIPLEGAIN_CONFIG`) ← `TRIPLEGAIN__SECTION__KEY` variables ← `${VAR}` references;
 * mappings merge (except `portfolio.targets`, replaced whole), lists replace. Validates the
 * result against `AppConfig`. A `secret()` field may only be a `${VAR}` reference in a file.
 *
 * @throws ConfigError with every violation found (syntax errors with file:line:column,
 *   unknown keys, out-of-range values, missing variables, secrets written in a file), none of
 *   them showing a secret.
 */
export function loadConfig(options: LoadConfigOptions = {}): LoadedConfig {
  const env = options.env ?? process.env;
  const configDir = resolve(options.configDir ?? DEFAULT_CONFIG_DIR);
  const violations: ConfigViolation[] = [];
  const layers: string[] = [];

  const files = [join(configDir, 'default.yaml')];
  const overlay = options.file ?? env[CONFIG_FILE_ENV];
  if (overlay !== undefined && overlay !== '') files.push(resolve(overlay));
  else if (existsSync(join(configDir, 'local.yaml'))) files.push(join(configDir, 'local.yaml'));

  let tree: unknown = {};
  let defaults: unknown;
  // Paths where a file holds a secret: a schema message about them would only repeat it.
  const literalSecrets = new Set<string>();
  for (const file of files) {
    const label = displayPath(file);
    const layer = readYamlLayer(file, label);
    violations.push(...layer.violations);
    defaults ??= layer.data;
    for (const violation of refuseLiteralSecrets(layer.data, { file: label, schema: AppConfig, defaults })) {
      violations.push(violation);
      literalSecrets.add(violation.path);
    }
    tree = deepMerge(tree, layer.data, REPLACED_WHOLE);
    layers.push(label);
  }

  const overridden = applyEnvOverrides(tree, env, AppConfig);
  violations.push(...overridden.violations);
  if (overridden.applied.length > 0) layers.push(`environment overrides (${overridden.applied.join(', ')})`);

  const interpolated = interpolateEnv(overridden.tree, env, AppConfig);
  violations.push(...interpolated.violations);
  if (interpolated.used.length > 0) layers.push(`environment references (${interpolated.used.join(', ')})`);

  const parsed = AppConfig.safeParse(interpolated.tree, { reportInput: true });
  if (!parsed.success) {
    // A path whose reference already failed would only repeat the problem as a type error.
    const reported = new Set([...interpolated.violations.map((v) => v.path), ...literalSecrets]);
    violations.push(...formatViolations(parsed.error.issues).filter((v) => !reported.has(v.path)));
  }
  if (violations.length > 0 || !parsed.success) {
    throw new ConfigError(
      violations.map((v) => ({ path: v.path, message: redactSecrets(v.message, env) })),
      layers,
    );
  }
  return { config: parsed.data, layers };
}

/** Relative to the working directory when inside it, else absolute. */
function displayPath(file: string): string {
  const rel = relative(process.cwd(), file);
  return rel === '' || rel.startsWith('..') || isAbsolute(rel) ? file : rel;
}
