import type { Db } from '../db/open-database.ts';
import type { AuditContext } from './audit-context.ts';
import type { AuditViolation } from './audit-violation.ts';

/**
 * One invariant of the books, as code: `check` reads the database (inside the audit's one
 * read-only snapshot) and returns a violation for every place it does not hold, or nothing.
 * `accounts` lists the accounts it applies to: the paper exchange's own tables exist for the
 * paper account only.
 */
export interface Invariant {
  /** Stable snake_case id, e.g. `one_order_per_client_id`: scripts and tests match on it. */
  id: string;
  accounts: readonly AuditContext['account'][];
  check(db: Db, context: AuditContext): Promise<AuditViolation[]>;
}

/** Both accounts. */
export const EVERY_ACCOUNT: readonly AuditContext['account'][] = ['paper', 'kraken'];

/** The paper account only. */
export const PAPER_ONLY: readonly AuditContext['account'][] = ['paper'];
