import type { Db } from '../db/open-database.ts';
import { AuditContext } from './audit-context.ts';
import { auditInvariants } from './audit-invariants.ts';
import { AuditReport } from './audit-report.ts';
import type { AuditViolation } from './audit-violation.ts';
import type { Invariant } from './invariant.ts';

/**
 * Checks every invariant that applies to the account (`auditInvariants`) against one
 * consistent snapshot of the database: a read-only, repeatable-read transaction, so writes
 * committed while the audit runs are not half seen. Changes nothing.
 *
 * @param invariants which to check; default all of them.
 * @returns every violation, invariant by invariant, and how many invariants were checked.
 * @throws ZodError for an invalid context (the paper account without its paper settings).
 */
export async function runAudit(
  db: Db,
  context: AuditContext,
  invariants: readonly Invariant[] = auditInvariants,
): Promise<AuditReport> {
  const ctx = AuditContext.parse(context);
  const applicable = invariants.filter((invariant) => invariant.accounts.includes(ctx.account));
  const violations = await db.transaction(
    async (tx) => {
      const found: AuditViolation[] = [];
      for (const invariant of applicable) found.push(...(await invariant.check(tx, ctx)));
      return found;
    },
    { isolationLevel: 'repeatable read', accessMode: 'read only' },
  );
  return AuditReport.parse({ violations, invariantsChecked: applicable.length });
}
