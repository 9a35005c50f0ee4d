import { z } from 'zod';
import { TriplegainError } from './triplegain-error.ts';

/**
 * A number option as the command line gives it: only a plain decimal string (`2`, `0.5`, `-1`)
 * is read as one, so that `''`, `' '`, `0x10` or `1e3` are refused instead of taken for 0, 16
 * or 1000. Numbers pass as they are.
 */
export function numberOption(refine: (n: z.ZodNumber) => z.ZodNumber) {
  const number = z.number({ error: (issue) => (issue.code === 'invalid_type' ? 'not a decimal number' : undefined) });
  return z.preprocess((v) => (typeof v === 'string' && /^-?\d+(\.\d+)?$/.test(v) ? Number(v) : v), refine(number));
}

/**
 * A command's options, checked together against `schema`.
 *
 * @throws TriplegainError `CONFIG_INVALID` naming every option that is out of range, as `--name`.
 */
export function parseCommandOptions<S extends z.ZodType>(schema: S, raw: Record<string, unknown>): z.infer<S> {
  const parsed = schema.safeParse(raw);
  if (parsed.success) return parsed.data;
  const flag = (key: PropertyKey | undefined) =>
    `--${String(key ?? '?').replace(/[A-Z]/g, (c) => `-${c.toLowerCase()}`)}`;
  throw new TriplegainError(
    'CONFIG_INVALID',
    parsed.error.issues
      .map((i) => `${flag(i.path[0])} ${JSON.stringify(raw[String(i.path[0])])}: ${i.message}`)
      .join('; '),
  );
}
