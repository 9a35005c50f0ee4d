import type { Command } from 'commander';
import { auditContextOf } from '../../audit/audit-context.ts';
import { renderAuditReport } from '../../audit/render-audit-report.ts';
import { runAudit } from '../../audit/run-audit.ts';
import { loadConfig } from '../../config/load-config.ts';
import { openDatabase, type Database } from '../../db/open-database.ts';
import { redactSecrets } from '../../shared/redact-secrets.ts';
import { describeError, TriplegainError } from '../../shared/triplegain-error.ts';

/** Exit code when the audit found violations. */
export const AUDIT_VIOLATIONS_EXIT_CODE = 1;
/** Exit code when the database cannot be opened, or holds no triplegain tables. */
export const AUDIT_NO_DATABASE_EXIT_CODE = 2;

/** PostgreSQL's `undefined_table`: the database was never migrated. */
const UNDEFINED_TABLE = '42P01';

/**
 * `triplegain audit [--json]`: checks the invariants of orders, fills, positions, stops,
 * reservations and (paper) balances of the configured account (`execution.exchange`) in the
 * configured database (`database.url`, else PGlite in `database.pgliteDir`). Read-only: it
 * neither migrates nor writes. Prints every violation, then `audit: N violations (K invariants
 * checked)`; with `--json` one document `{ violations, invariantsChecked }`. Exit code 0 when
 * clean, 1 with violations, 2 when the database cannot be opened or is not migrated.
 */
export function registerAuditCommand(program: Command): void {
  program
    .command('audit')
    .description('check the invariants of orders, fills, positions, stops, reservations and paper balances; exit code 1 on a violation')
    .option('--json', 'print the report as JSON instead of text')
    .action(async (opts: { json?: boolean }) => {
      const { config } = loadConfig({ file: program.opts<{ config?: string }>().config });
      let database: Database;
      try {
        database = await openDatabase({ url: config.database.url || undefined, pgliteDir: config.database.pgliteDir, applicationName: 'triplegain-audit', connectTimeoutMs: config.app.connectTimeoutMs });
      } catch (err) {
        return noDatabase(err instanceof TriplegainError ? err.message : describeError(err));
      }
      try {
        const report = await runAudit(database.db, auditContextOf(config)).catch((err: unknown) => {
          if (sqlStateOf(err) === UNDEFINED_TABLE) return null;
          throw err;
        });
        if (report === null) return noDatabase('the database holds no triplegain tables: run `triplegain db migrate` first');
        process.stdout.write(opts.json ? `${JSON.stringify(report, null, 2)}\n` : renderAuditReport(report));
        if (report.violations.length > 0) process.exitCode = AUDIT_VIOLATIONS_EXIT_CODE;
      } finally {
        await database.close();
      }
    });
}

function noDatabase(reason: string): void {
  console.error(redactSecrets(`error: ${reason}`));
  process.exitCode = AUDIT_NO_DATABASE_EXIT_CODE;
}

/** The SQLSTATE of a database error, looking through drizzle's wrapper. */
function sqlStateOf(err: unknown): string | undefined {
  let e: unknown = err;
  while (e instanceof Object) {
    if ('code' in e && typeof e.code === 'string' && /^[0-9A-Z]{5}$/.test(e.code)) return e.code;
    e = 'cause' in e ? e.cause : undefined;
  }
  return undefined;
}
