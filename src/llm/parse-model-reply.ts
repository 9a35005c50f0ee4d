import type { z } from 'zod';

export type ParsedModelReply<T> = { ok: true; value: T } | { ok: false; error: string };

/** Longest part of a reply quoted back in an error. */
const QUOTE_CHARS = 200;

/**
 * Reads a model's reply as one JSON object matching `schema`. Tolerates what models add around
 * JSON (a ```json fence, a sentence before or after the object); anything else is invalid, with
 * an error fit to send back to the model in the repair request.
 */
export function parseModelReply<T>(
  text: string,
  schema: z.ZodType<T>,
  opts: { truncated?: boolean } = {},
): ParsedModelReply<T> {
  const json = readJson(text);
  if (json === undefined) {
    const cut = opts.truncated ? ' (the reply was cut off at max_tokens: answer shorter)' : '';
    const quoted = text.length > QUOTE_CHARS ? `${text.slice(0, QUOTE_CHARS)}…` : text;
    return { ok: false, error: `the reply is not one JSON object${cut}: ${JSON.stringify(quoted)}` };
  }
  const parsed = schema.safeParse(json);
  if (parsed.success) return { ok: true, value: parsed.data };
  const issues = parsed.error.issues.map(
    (issue) => `${issue.path.length > 0 ? issue.path.join('.') : '(reply)'}: ${issue.message}`,
  );
  return { ok: false, error: `the reply does not match the schema: ${issues.join('; ')}` };
}

function readJson(text: string): unknown {
  const unfenced = text
    .replace(/^\s*```(?:json)?\s*/i, '')
    .replace(/\s*```\s*$/, '')
    .trim();
  for (const candidate of [unfenced, between(unfenced, '{', '}')]) {
    if (candidate === undefined) continue;
    try {
      const value: unknown = JSON.parse(candidate);
      if (typeof value === 'object' && value !== null && !Array.isArray(value)) return value;
    } catch {
      // Not JSON as a whole; try the next candidate.
    }
  }
  return undefined;
}

function between(text: string, open: string, close: string): string | undefined {
  const start = text.indexOf(open);
  const end = text.lastIndexOf(close);
  return start >= 0 && end > start ? text.slice(start, end + 1) : undefined;
}
