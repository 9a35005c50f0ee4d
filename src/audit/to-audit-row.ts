import type { AuditCell, AuditRow } from './audit-violation.ts';

/**
 * A database row (or any flat record) as a violation's row: dates become ISO-8601 strings,
 * `undefined` and non-scalars become null or their JSON, scalars stay as they are.
 */
export function toAuditRow(record: Record<string, unknown>): AuditRow {
  return Object.fromEntries(Object.entries(record).map(([key, value]) => [key, toCell(value)]));
}

function toCell(value: unknown): AuditCell {
  if (value === undefined || value === null) return null;
  if (value instanceof Date) return value.toISOString();
  if (typeof value === 'string' || typeof value === 'number' || typeof value === 'boolean') return value;
  if (typeof value === 'bigint') return value.toString();
  return JSON.stringify(value);
}
