import { describe, expect, it as base } from 'vitest';
import { AuditReport } from '../../src/audit/audit-report.ts';
import { runCli } from '../support/run-cli.ts';
import {
  createTestDatabase,
  createTestSchema,
  dropTestSchema,
  testDatabaseUrl,
  type TestDatabase,
} from '../support/test-database.ts';
import { setPaperBalances, writeCleanBook } from './audit-builders.ts';
import { scaled } from '../support/test-timing.ts';

/** A migrated schema of its own holding the clean book. */
const it = base.extend<{ t: TestDatabase }>({
  // eslint-disable-next-line no-empty-pattern
  t: async ({}, use) => {
    const t = await createTestDatabase('postgres');
    try {
      await writeCleanBook(t.db);
      await use(t);
    } finally {
      await t.cleanup();
    }
  },
});

/** The test database's URL with `schema` as the search path, as the CLI's `DATABASE_URL`. */
function urlOfSchema(schema: string): string {
  const url = new URL(testDatabaseUrl);
  url.searchParams.set('options', `-c search_path=${schema}`);
  return url.toString();
}

/** `triplegain audit …` on the paper account (the default config) in `schema`. */
const audit = (schema: string, ...args: string[]) =>
  runCli({ DATABASE_URL: urlOfSchema(schema), TRIPLEGAIN_CONFIG: '' }, ['audit', ...args], scaled(60_000));

describe('triplegain audit', () => {
  it(
    'prints nothing but the summary and exits 0 when the books are clean',
    { timeout: scaled(90_000) },
    async ({ t }) => {
      const { code, stdout } = await audit(t.schemaName);
      expect({ code, stdout }).toEqual({ code: 0, stdout: 'audit: 0 violations (10 invariants checked)\n' });
    },
  );

  it(
    'prints the violation with its rows, ends with the summary and exits 1',
    { timeout: scaled(90_000) },
    async ({ t }) => {
      await setPaperBalances(t.db, { USD: '9599.4' });
      const { code, stdout } = await audit(t.schemaName);
      expect(code).toBe(1);
      const lines = stdout.trimEnd().split('\n');
      expect(lines).toEqual([
        '[paper_balances_match_fills] The paper USD balance is 9599.4, but the starting 10000 and the 1 paper fill makes it 9598.4 (+1).',
        '    asset  balance  expected  difference',
        '    -----  -------  --------  ----------',
        '    USD    9599.4   9598.4    1',
        '',
        'audit: 1 violations (10 invariants checked)',
      ]);
    },
  );

  it('prints one JSON document with --json, and exits 1', { timeout: scaled(90_000) }, async ({ t }) => {
    await setPaperBalances(t.db, { USD: '9599.4' });
    const { code, stdout } = await audit(t.schemaName, '--json');
    expect(code).toBe(1);
    const report = AuditReport.parse(JSON.parse(stdout));
    expect(report).toEqual({
      violations: [
        {
          invariant: 'paper_balances_match_fills',
          message: expect.stringContaining('USD balance is 9599.4'),
          rows: [{ asset: 'USD', balance: '9599.4', expected: '9598.4', difference: '1' }],
        },
      ],
      invariantsChecked: 10,
    });
  });

  base('exits 2 when the database cannot be opened, or holds no tables', { timeout: scaled(90_000) }, async () => {
    const unreachable = await runCli(
      { DATABASE_URL: 'postgres://nobody:hunter2@127.0.0.1:1/none', TRIPLEGAIN_CONFIG: '' },
      ['audit'],
      scaled(60_000),
    );
    expect(unreachable.code).toBe(2);
    expect(unreachable.stderr).toContain('error: cannot open PostgreSQL at postgres://nobody:***@127.0.0.1:1/none');
    expect(unreachable.stderr).not.toContain('hunter2');

    const empty = await createTestSchema();
    try {
      const unmigrated = await audit(empty);
      expect(unmigrated).toMatchObject({ code: 2, stdout: '' });
      expect(unmigrated.stderr).toContain(
        'error: the database holds no triplegain tables: run `triplegain db migrate` first',
      );
    } finally {
      await dropTestSchema(empty);
    }
  });
});
