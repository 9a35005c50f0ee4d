/** The SQLSTATE of a database error, looking through drizzle's `DrizzleQueryError` wrapper. */
export function pgErrorCode(err: unknown): string | undefined {
  for (let e: unknown = err; e; e = (e as { cause?: unknown }).cause) {
    const code = (e as { code?: unknown }).code;
    if (typeof code === 'string' && /^[0-9A-Z]{5}$/.test(code)) return code;
  }
  return undefined;
}

/** Runs `work`, expecting it to fail with SQLSTATE `code`; returns the error. */
export async function expectPgError(work: () => Promise<unknown>, code: string): Promise<unknown> {
  try {
    await work();
  } catch (err) {
    if (pgErrorCode(err) === code) return err;
    throw new Error(`expected SQLSTATE ${code}, got ${pgErrorCode(err) ?? 'none'}: ${String(err)}`, { cause: err });
  }
  throw new Error(`expected SQLSTATE ${code}, but it succeeded`);
}
