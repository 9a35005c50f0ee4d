import type { z } from 'zod';
import type { ConfigViolation } from './config-error.ts';
import { isPlainObject } from './deep-merge.ts';
import { parseEnvValue } from './env-overrides.ts';
import { formatPath } from './format-path.ts';
import { scalarKind, schemaAtPath } from './schema-at-path.ts';

export interface InterpolationResult {
  tree: unknown;
  /** Names of the variables that were set and used, sorted. */
  used: string[];
  violations: ConfigViolation[];
}

/** `$$` (a literal `$`) or `${…}`. */
const TOKEN = /\$\$|\$\{([^}]*)\}/g;
const REFERENCE = /^([A-Za-z_][A-Za-z0-9_]*)(?::-([\s\S]*))?$/;

/**
 * Replaces `${VAR}` and `${VAR:-default}` in every string value with the environment's value
 * (`:-` also applies when the variable is set but empty, as in a shell); `$$` is a literal `$`.
 * A missing `${VAR}` with no default is a violation naming the path and the variable, never a
 * value. A string that is one whole reference becomes a number or boolean where the schema
 * expects one (`port: ${PORT:-3000}`).
 */
export function interpolateEnv(tree: unknown, env: NodeJS.ProcessEnv, schema: z.ZodType): InterpolationResult {
  const violations: ConfigViolation[] = [];
  const used = new Set<string>();

  const visit = (node: unknown, path: (string | number)[]): unknown => {
    if (Array.isArray(node)) return node.map((item, i) => visit(item, [...path, i]));
    if (isPlainObject(node))
      return Object.fromEntries(Object.entries(node).map(([k, v]) => [k, visit(v, [...path, k])]));
    if (typeof node !== 'string' || !node.includes('$')) return node;

    const problems: string[] = [];
    const replaced = node.replace(TOKEN, (token, inner: string | undefined) => {
      if (token === '$$') return '$';
      const match = REFERENCE.exec(inner ?? '');
      if (!match) {
        problems.push(`malformed reference \${${inner ?? ''}} (expected \${NAME} or \${NAME:-default})`);
        return '';
      }
      const [, name = '', fallback] = match;
      const value = env[name];
      if (value !== undefined && (value !== '' || fallback === undefined)) {
        used.add(name);
        return value;
      }
      if (fallback !== undefined) return fallback;
      problems.push(`environment variable ${name} is not set (write \${${name}:-} to allow it to be empty)`);
      return '';
    });
    if (node.replace(TOKEN, '').includes('${')) problems.push('unclosed ${ (expected ${NAME} or ${NAME:-default})');
    for (const message of problems) violations.push({ path: formatPath(path), message });

    const wholeReference = /^\$\{[^}]*\}$/.test(node);
    const kind = scalarKind(schemaAtPath(schema, path));
    return wholeReference && (kind === 'number' || kind === 'boolean') ? parseEnvValue(replaced, kind) : replaced;
  };

  return { tree: visit(tree, []), used: [...used].sort(), violations };
}
