import { z } from 'zod';

/** One cell of a violation's row: JSON scalars only, so a row prints as a table line and as JSON alike. */
export const AuditCell = z.union([z.string(), z.number(), z.boolean(), z.null()]);
export type AuditCell = z.infer<typeof AuditCell>;

/** One row a violation involves (an order, a fill, a position, a balance), by column name. */
export const AuditRow = z.record(z.string(), AuditCell);
export type AuditRow = z.infer<typeof AuditRow>;

/**
 * A broken invariant: which one (its stable snake_case id), what is wrong in a sentence a
 * trader understands, and the rows involved (ids, quantities, statuses). Amounts are decimal
 * strings, times ISO-8601.
 */
export const AuditViolation = z
  .object({
    invariant: z.string().regex(/^[a-z][a-z0-9_]*$/, 'expected a snake_case invariant id'),
    message: z.string().min(1),
    rows: z.array(AuditRow),
  })
  .strict();
export type AuditViolation = z.infer<typeof AuditViolation>;
