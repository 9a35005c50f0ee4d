import type { z } from 'zod';
import { parse as parseYaml } from 'yaml';
import type { ConfigViolation } from './config-error.ts';
import { isPlainObject } from './deep-merge.ts';
import { allowedKeys, scalarKind, schemaAtPath } from './schema-at-path.ts';

/** Environment variables starting with this override config keys: `TRIPLEGAIN__RISK__MAX_LEVERAGE=3`. */
export const ENV_OVERRIDE_PREFIX = 'TRIPLEGAIN__';

export interface EnvOverrideResult {
  tree: unknown;
  /** Names of the variables applied, sorted. */
  applied: string[];
  violations: ConfigViolation[];
}

/**
 * Applies `TRIPLEGAIN__SECTION__KEY=value` variables over `tree` (which is not modified).
 * Path segments are separated by a double underscore; each SCREAMING_SNAKE segment names the
 * existing or schema key it spells (`MAX_LEVERAGE` → `maxLeverage`, `BTC` → `BTC`), else its
 * camelCase. Values are read as YAML scalars, so `3` is a number and `true` a boolean, except
 * where the schema expects a string; `[a, b]` and `{…}` give a list or a mapping.
 */
export function applyEnvOverrides(tree: unknown, env: NodeJS.ProcessEnv, schema: z.ZodType): EnvOverrideResult {
  const names = Object.keys(env)
    .filter((name) => name.startsWith(ENV_OVERRIDE_PREFIX) && env[name] !== undefined)
    .sort();
  const violations: ConfigViolation[] = [];
  let out = tree;
  for (const name of names) {
    const segments = name.slice(ENV_OVERRIDE_PREFIX.length).split('__');
    if (segments.some((s) => s === '')) {
      violations.push({ path: name, message: 'empty path segment (separate keys with exactly two underscores)' });
      continue;
    }
    const path = resolvePath(out, segments, schema);
    const raw = env[name] ?? '';
    out = setAtPath(out, path, parseEnvValue(raw, scalarKind(schemaAtPath(schema, path))));
  }
  return { tree: out, applied: names.filter((n) => !violations.some((v) => v.path === n)), violations };
}

function resolvePath(tree: unknown, segments: string[], schema: z.ZodType): (string | number)[] {
  const path: (string | number)[] = [];
  let node = tree;
  for (const segment of segments) {
    const key =
      Array.isArray(node) && /^\d+$/.test(segment)
        ? Number(segment)
        : keyFor(segment, node, allowedKeys(schemaAtPath(schema, path)));
    path.push(key);
    node = isPlainObject(node) || Array.isArray(node) ? (node as Record<string | number, unknown>)[key] : undefined;
  }
  return path;
}

function keyFor(segment: string, node: unknown, schemaKeys: string[]): string {
  const candidates = [...(isPlainObject(node) ? Object.keys(node) : []), ...schemaKeys];
  return candidates.find((key) => toScreamingSnake(key) === segment) ?? toCamelCase(segment);
}

/** `maxLeverage` → `MAX_LEVERAGE`, `inputUsdPerMTok` → `INPUT_USD_PER_M_TOK`. */
export function toScreamingSnake(key: string): string {
  return key
    .replace(/([a-z0-9])([A-Z])/g, '$1_$2')
    .replace(/[^A-Za-z0-9]+/g, '_')
    .toUpperCase();
}

/** `MAX_LEVERAGE` → `maxLeverage`. */
export function toCamelCase(segment: string): string {
  const [first = '', ...rest] = segment.toLowerCase().split('_');
  return first + rest.map((part) => part.charAt(0).toUpperCase() + part.slice(1)).join('');
}

/** Reads an environment value as YAML, without letting YAML syntax eat a plain string. */
export function parseEnvValue(raw: string, expected?: 'string' | 'number' | 'boolean'): unknown {
  const text = raw.trim();
  if (expected === 'string' || text === '') return raw;
  let value: unknown;
  try {
    value = parseYaml(text);
  } catch {
    return raw;
  }
  if (typeof value === 'number' || typeof value === 'boolean') return value;
  if (value === null) return /^(null|Null|NULL|~)$/.test(text) ? null : raw;
  if (typeof value === 'string') return /^["']/.test(text) ? value : raw;
  return /^[[{]/.test(text) ? value : raw;
}

function setAtPath(tree: unknown, path: (string | number)[], value: unknown): unknown {
  const [head, ...rest] = path;
  if (head === undefined) return value;
  if (Array.isArray(tree) && typeof head === 'number') {
    const copy = [...tree];
    copy[head] = setAtPath(copy[head], rest, value);
    return copy;
  }
  const base = isPlainObject(tree) ? tree : {};
  return { ...base, [head]: setAtPath(base[head], rest, value) };
}
