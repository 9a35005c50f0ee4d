import { sqlStateOf } from '../../src/db/sql-state-of.ts';

/** The SQLSTATE of a database error (see `sqlStateOf`). */
export const pgErrorCode = sqlStateOf;

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
