import { auditContextOf } from '../../audit/audit-context.ts';
import { renderAuditReport } from '../../audit/render-audit-report.ts';
import { runAudit } from '../../audit/run-audit.ts';
import { loadConfig } from '../../config/load-config.ts';
import { openDatabase, type Database } from '../../db/open-database.ts';
import { redactSecrets } from '../../shared/redact-secrets.ts';
import { describeError, TriplegainError } from '../../shared/triplegain-error.ts';
import { sqlStateOf } from '../../db/sql-state-of.ts';

/** Exit code when the audit found violations. */
export const AUDIT_VIOLATIONS_EXIT_CODE = 1;
/** Exit code when the database cannot be opened, or holds no triplegain tables. */
export const AUDIT_NO_DATABASE_EXIT_CODE = 2;

/** PostgreSQL's `undefined_table`: the database was never migrated. */
const UNDEFINED_TABLE = '42P01';

export interface AuditActionOptions {
  /** The global `-c/--config` file; undefined for the default layers. */
  configFile: string | undefined;
  /** Print the report as JSON instead of text. */
  json?: boolean;
}

/**
 * The work of `triplegain audit`: opens the configured database (read-only use, no migration),
 * runs the audit and prints the report on stdout. Sets `process.exitCode` to
 * `AUDIT_VIOLATIONS_EXIT_CODE` on a violation, or to `AUDIT_NO_DATABASE_EXIT_CODE` (with the
 * reason on stderr, secrets redacted) when the database cannot be opened or is not migrated.
 * Throws on an invalid config or an unexpected database error. The database is closed whatever
 * happens.
 */
export async function auditAction(options: AuditActionOptions): Promise<void> {
  const { config } = loadConfig({ file: options.configFile });
  let database: Database;
  try {
    database = await openDatabase({
      url: config.database.url || undefined,
      pgliteDir: config.database.pgliteDir,
      applicationName: 'triplegain-audit',
      connectTimeoutMs: config.app.connectTimeoutMs,
    });
  } catch (err) {
    return noDatabase(err instanceof TriplegainError ? err.message : describeError(err));
  }
  try {
    const report = await runAudit(database.db, auditContextOf(config)).catch((err: unknown) => {
      if (sqlStateOf(err) === UNDEFINED_TABLE) return null;
      throw err;
    });
    if (report === null)
      return noDatabase('the database holds no triplegain tables: run `triplegain db migrate` first');
    process.stdout.write(options.json ? `${JSON.stringify(report, null, 2)}\n` : renderAuditReport(report));
    if (report.violations.length > 0) process.exitCode = AUDIT_VIOLATIONS_EXIT_CODE;
  } finally {
    await database.close();
  }
}

function noDatabase(reason: string): void {
  console.error(redactSecrets(`error: ${reason}`));
  process.exitCode = AUDIT_NO_DATABASE_EXIT_CODE;
}
