/**
 * `value` with every NUL character (U+0000) in its strings and keys replaced by U+FFFD.
 * PostgreSQL stores no NUL in `text` or `jsonb`: one in a message from outside (an exchange's
 * error, a model's reply, an operator's reason) would fail the insert, and the same text in the
 * failure's own report would fail again.
 */
export function withoutNul<T>(value: T): T {
  if (typeof value === 'string') return value.replaceAll('\u0000', '\uFFFD') as T;
  if (Array.isArray(value)) return value.map(withoutNul) as T;
  if (value !== null && typeof value === 'object' && !(value instanceof Date)) {
    return Object.fromEntries(Object.entries(value).map(([k, v]) => [withoutNul(k), withoutNul(v)])) as T;
  }
  return value;
}
