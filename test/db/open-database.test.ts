import { describe, expect, it } from 'vitest';
import { openDatabase } from '../../src/db/open-database.ts';
import { TriplegainError } from '../../src/shared/triplegain-error.ts';

describe('openDatabase', () => {
  it('names the URL without its password when PostgreSQL cannot be reached', async () => {
    const attempt = openDatabase({ url: 'postgres://trader:hunter2secret@127.0.0.1:1/tg' });
    await expect(attempt).rejects.toBeInstanceOf(TriplegainError);
    const err = (await attempt.catch((e: unknown) => e)) as TriplegainError;
    expect(err.code).toBe('DATABASE_UNAVAILABLE');
    expect(err.message).toContain('postgres://trader:***@127.0.0.1:1/tg');
    expect(`${err.message} ${JSON.stringify(err.details)} ${String(err.stack)}`).not.toContain('hunter2secret');
  });

  it('does not echo the password of a malformed URL', async () => {
    const err = (await openDatabase({ url: 'postgres://trader:hunter2secret@127.0.0.1:notaport/tg' }).catch(
      (e: unknown) => e,
    )) as TriplegainError;
    expect(err.code).toBe('DATABASE_UNAVAILABLE');
    expect(`${err.message} ${JSON.stringify(err.details)} ${String(err.stack)}`).not.toContain('hunter2secret');
  });

  it('refuses a search path that is not a list of identifiers', async () => {
    await expect(
      openDatabase({ url: 'postgres://postgres@127.0.0.1:5432/test', searchPath: 'x; drop schema public' }),
    ).rejects.toMatchObject({ code: 'CONFIG_INVALID' });
  });

  it('opens PGlite in memory when no URL is given', async () => {
    const database = await openDatabase({});
    try {
      expect(database.driver).toBe('pglite');
    } finally {
      await database.close();
    }
  });
});
