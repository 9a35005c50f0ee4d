import type { z } from 'zod';
import { AppConfig } from './app-config.ts';
import type { ConfigViolation } from './config-error.ts';
import { isPlainObject } from './deep-merge.ts';
import { formatPath } from './format-path.ts';
import { allowedKeys, boundsOf, schemaAtPath, type Bounds } from './schema-at-path.ts';

type Issue = z.core.$ZodIssue;

/** Keys whose values are secrets: their values never appear in a message. */
export const SECRET_KEY = /(apiKey|apiSecret|token|password|passwd|secret)$/i;

/**
 * Turns zod issues into violations an operator can act on: each names its path and states
 * what is allowed (the range, the options, the expected type). Bounds are read from `schema`
 * so that "50 is out of range (allowed 1 to 5)" names both ends. Parse with
 * `{ reportInput: true }` so messages can show the offending value (never a secret's).
 */
export function formatViolations(issues: readonly Issue[], schema: z.ZodType = AppConfig): ConfigViolation[] {
  return issues.flatMap((issue) => formatIssue(issue, schema));
}

function formatIssue(issue: Issue, schema: z.ZodType): ConfigViolation[] {
  const path = issue.path;
  const at = (message: string): ConfigViolation[] => [{ path: formatPath(path), message }];
  const shown = showValue(path, issue.input);
  switch (issue.code) {
    case 'unrecognized_keys': {
      const known = allowedKeys(schemaAtPath(schema, path));
      // The keys given that do belong to this form: what the misplaced one cannot go with.
      const given = isPlainObject(issue.input) ? Object.keys(issue.input).filter((k) => !issue.keys.includes(k)) : [];
      return issue.keys.map((key) => {
        const hint = closestKey(key, known);
        return {
          path: formatPath([...path, key]),
          message:
            // A key of another form of a union, in an object of this form.
            hint === key
              ? `a key of another form of this entry, not allowed with ${given.length > 0 ? given.join(', ') : 'the others'}`
              : hint
                ? `unknown key (did you mean ${hint}?)`
                : 'unknown key',
        };
      });
    }
    case 'too_big':
    case 'too_small':
      return at(describeRange(issue, schema));
    case 'invalid_value':
      return at(
        `expected ${issue.values.length === 1 ? String(issue.values[0]) : `one of ${issue.values.map(String).join('|')}`}, got ${shown}`,
      );
    case 'invalid_union':
      if ('options' in issue && Array.isArray(issue.options) && issue.options.length > 0) {
        // A discriminated union: the issue sits at the discriminator, its input is the whole object.
        const got =
          'discriminator' in issue && typeof issue.discriminator === 'string' && isPlainObject(issue.input)
            ? issue.input[issue.discriminator]
            : issue.input;
        return at(`expected one of ${issue.options.map(String).join('|')}, got ${showValue(path, got)}`);
      }
      // An object of none of the forms: what is wrong with it as the form it comes closest to
      // (fewest problems; the first form on a tie), so that a misspelt key is named.
      if ('errors' in issue && Array.isArray(issue.errors) && isPlainObject(issue.input)) {
        const closest = [...(issue.errors as Issue[][])].sort((a, b) => a.length - b.length)[0];
        if (closest !== undefined && closest.length > 0)
          return closest.flatMap((inner) => formatIssue({ ...inner, path: [...path, ...inner.path] } as Issue, schema));
      }
      return at(`matches none of the allowed forms, got ${typeName(issue.input)}`);
    case 'invalid_type':
      if (issue.input === undefined) return at(`required (expected ${issue.expected})`);
      return at(`expected ${issue.expected}, got ${typeName(issue.input)}`);
    case 'invalid_format': {
      const expected = isZodDefaultMessage(issue.message) ? describeFormat(issue) : issue.message;
      return at(typeof issue.input === 'string' ? `${expected}, got ${shown}` : expected);
    }
    case 'invalid_key': {
      const reason = issue.issues.map((inner) => formatIssue({ ...inner, path: [] }, schema)[0]?.message).join('; ');
      return at(`invalid key: ${reason}`);
    }
    case 'custom':
      // A refinement's message says what is expected; show what was given when it does not.
      return at(
        /^expected /.test(issue.message) && isScalar(issue.input) ? `${issue.message}, got ${shown}` : issue.message,
      );
    case 'not_multiple_of':
      return at(`${shown} is not a multiple of ${String(issue.divisor)}`);
    default:
      return at(issue.message);
  }
}

function describeRange(issue: z.core.$ZodIssueTooBig | z.core.$ZodIssueTooSmall, schema: z.ZodType): string {
  const bounds: Bounds = boundsOf(schemaAtPath(schema, issue.path));
  // The issue itself knows the bound it broke, in case the schema could not be walked.
  if (issue.code === 'too_big' && !bounds.max)
    bounds.max = { value: Number(issue.maximum), inclusive: issue.inclusive ?? true };
  if (issue.code === 'too_small' && !bounds.min)
    bounds.min = { value: Number(issue.minimum), inclusive: issue.inclusive ?? true };
  const input = issue.input;
  switch (issue.origin) {
    case 'array':
    case 'set':
      return `${Array.isArray(input) ? `${input.length} items` : 'the number of items'} is out of range (${describeBounds(bounds, 'item')})`;
    case 'string':
      if (input === '' && issue.code === 'too_small')
        return `must not be empty (${describeBounds(bounds, 'character')})`;
      return `${typeof input === 'string' ? `${input.length} characters` : 'the length'} is out of range (${describeBounds(bounds, 'character')})`;
    default:
      return `${typeof input === 'number' || typeof input === 'bigint' ? String(input) : 'value'} is out of range (${describeBounds(bounds)})`;
  }
}

/** "allowed 1 to 5", "allowed at least 1 item", "allowed above 0 and at most 1". */
export function describeBounds({ min, max }: Bounds, noun = ''): string {
  const last = max?.value ?? min?.value;
  const unit = noun === '' ? '' : ` ${noun}${last === 1 ? '' : 's'}`;
  if (min?.inclusive && max?.inclusive) {
    return min.value === max.value
      ? `allowed exactly ${min.value}${unit}`
      : `allowed ${min.value} to ${max.value}${unit}`;
  }
  const parts: string[] = [];
  if (min) parts.push(`${min.inclusive ? 'at least' : 'above'} ${min.value}`);
  if (max) parts.push(`${max.inclusive ? 'at most' : 'below'} ${max.value}`);
  return `allowed ${parts.join(' and ')}${unit}`;
}

function describeFormat(issue: z.core.$ZodIssueInvalidStringFormat): string {
  if (issue.format === 'regex' && issue.pattern) return `expected to match ${issue.pattern}`;
  return `expected a valid ${issue.format}`;
}

/** zod's own English messages start like this; a schema's custom message does not. */
function isZodDefaultMessage(message: string): boolean {
  return /^(Invalid|Too (big|small)|Unrecognized)/.test(message);
}

function showValue(path: readonly PropertyKey[], value: unknown): string {
  const last = path.at(-1);
  if (typeof last === 'string' && SECRET_KEY.test(last)) return '***';
  if (typeof value === 'string') return value === '' || /\s/.test(value) ? JSON.stringify(value) : value;
  if (value === undefined) return 'nothing';
  if (typeof value === 'object' && value !== null) return typeName(value);
  return String(value);
}

function isScalar(value: unknown): boolean {
  return typeof value === 'string' || typeof value === 'number' || typeof value === 'boolean';
}

function typeName(value: unknown): string {
  if (value === null) return 'null';
  if (Array.isArray(value)) return 'array';
  if (typeof value === 'object') return 'object';
  return typeof value;
}

/**
 * The allowed key a misspelt one most likely meant: one it is the start of (a forgotten unit
 * suffix, `timeout` for `timeoutMs`), else the nearest by edit distance when close enough.
 */
function closestKey(key: string, known: readonly string[]): string | undefined {
  const lower = key.toLowerCase();
  if (lower.length >= 3) {
    const extended = known.find((candidate) => candidate.toLowerCase().startsWith(lower));
    if (extended) return extended;
  }
  let best: { key: string; distance: number } | undefined;
  for (const candidate of known) {
    const distance = editDistance(lower, candidate.toLowerCase());
    if (!best || distance < best.distance) best = { key: candidate, distance };
  }
  return best && best.distance <= Math.max(1, Math.floor(key.length / 4)) ? best.key : undefined;
}

function editDistance(a: string, b: string): number {
  let previous = Array.from({ length: b.length + 1 }, (_, j) => j);
  for (let i = 1; i <= a.length; i++) {
    const current = [i];
    for (let j = 1; j <= b.length; j++) {
      current[j] = Math.min(
        (previous[j] ?? 0) + 1,
        (current[j - 1] ?? 0) + 1,
        (previous[j - 1] ?? 0) + (a[i - 1] === b[j - 1] ? 0 : 1),
      );
    }
    previous = current;
  }
  return previous[b.length] ?? 0;
}
