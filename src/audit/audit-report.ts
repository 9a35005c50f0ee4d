import { z } from 'zod';
import { AuditViolation } from './audit-violation.ts';

/** What `runAudit` found: every violation, and how many invariants were checked (those that apply to the account). */
export const AuditReport = z
  .object({
    violations: z.array(AuditViolation),
    invariantsChecked: z.number().int().nonnegative(),
  })
  .strict();
export type AuditReport = z.infer<typeof AuditReport>;
