/** The SQLSTATE of a database error (`42P01`, `23505`…), looking through drizzle's `DrizzleQueryError` wrapper; undefined for any other error. */
export function sqlStateOf(err: unknown): string | undefined {
  for (let e: unknown = err; e instanceof Object; e = 'cause' in e ? e.cause : undefined) {
    if ('code' in e && typeof e.code === 'string' && /^[0-9A-Z]{5}$/.test(e.code)) return e.code;
  }
  return undefined;
}
