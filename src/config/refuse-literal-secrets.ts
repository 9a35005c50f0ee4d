import type { z } from 'zod';
import type { ConfigViolation } from './config-error.ts';
import { isSecretField } from './config-fields.ts';
import { isPlainObject } from './deep-merge.ts';
import { toScreamingSnake } from './env-overrides.ts';
import { formatPath } from './format-path.ts';
import { schemaAtPath } from './schema-at-path.ts';

/** What a secret may be in a file: nothing, or one whole `${NAME}` / `${NAME:-}` with no default value. */
const REFERENCE_ONLY = /^\$\{([A-Za-z_][A-Za-z0-9_]*)(:-)?\}$/;

export interface LiteralSecretsOptions {
  /** The file the layer came from, as shown to the operator. */
  file: string;
  schema: z.ZodType;
  /** The defaults' tree: the variable it refers to at a path is the one to suggest there. */
  defaults?: unknown;
}

/**
 * One violation for every field declared with `secret()` that a config file sets to anything
 * but a `${VAR}` reference (or an empty string): a literal value, a reference with a default
 * value (`${VAR:-hunter2}`), a value with a reference inside it. Secrets come only from the
 * environment, so a file can be shared, committed or printed without leaking one. Each
 * violation names the path, the file and the variable to set instead, never the value.
 *
 * Environment variables (`TRIPLEGAIN__…` overrides and `${VAR}` values) are not a file and are
 * not checked here.
 */
export function refuseLiteralSecrets(tree: unknown, options: LiteralSecretsOptions): ConfigViolation[] {
  const violations: ConfigViolation[] = [];
  const visit = (node: unknown, path: (string | number)[]) => {
    if (Array.isArray(node)) {
      node.forEach((item, i) => visit(item, [...path, i]));
      return;
    }
    if (isPlainObject(node)) {
      for (const [key, value] of Object.entries(node)) visit(value, [...path, key]);
      return;
    }
    if (node === null || node === undefined || node === '') return;
    if (typeof node === 'string' && REFERENCE_ONLY.test(node)) return;
    if (!isSecretField(schemaAtPath(options.schema, path))) return;
    const variable = referencedVariable(options.defaults, path) ?? suggestedVariable(path);
    violations.push({
      path: formatPath(path),
      message: `is a secret written in ${options.file}; secrets come only from the environment: write \${${variable}} there (or remove the line) and set ${variable} in the environment`,
    });
  };
  visit(tree, []);
  return violations;
}

/** The variable `tree` refers to at `path` (`${DASHBOARD_PASSWORD:-}` → `DASHBOARD_PASSWORD`), if any. */
function referencedVariable(tree: unknown, path: readonly (string | number)[]): string | undefined {
  let node = tree;
  for (const segment of path) {
    if (!isPlainObject(node) && !Array.isArray(node)) return undefined;
    node = (node as Record<string | number, unknown>)[segment];
  }
  return typeof node === 'string' ? REFERENCE_ONLY.exec(node)?.[1] : undefined;
}

/**
 * The last two keys in capitals, as the defaults name theirs: `llm.providers.mistral.apiKey`
 * → `MISTRAL_API_KEY`, `dashboard.password` → `DASHBOARD_PASSWORD`.
 */
function suggestedVariable(path: readonly (string | number)[]): string {
  return path
    .slice(-2)
    .map((segment) => toScreamingSnake(String(segment)))
    .join('_');
}
