import { formatTable } from '../shared/format-table.ts';
import type { AuditReport } from './audit-report.ts';
import type { AuditRow } from './audit-violation.ts';

/** The audit's last line: `audit: N violations (K invariants checked)`. */
export function auditSummaryLine(report: AuditReport): string {
  return `audit: ${report.violations.length} violations (${report.invariantsChecked} invariants checked)`;
}

/**
 * The report for a terminal: each violation as `[invariant] message`, its rows as an indented
 * table, then the summary line. Ends with a newline.
 */
export function renderAuditReport(report: AuditReport): string {
  const blocks = report.violations.map((v) => [`[${v.invariant}] ${v.message}`, ...rowsTable(v.rows)].join('\n'));
  return `${[...blocks, auditSummaryLine(report)].join('\n\n')}\n`;
}

function rowsTable(rows: readonly AuditRow[]): string[] {
  if (rows.length === 0) return [];
  const header = [...new Set(rows.flatMap((r) => Object.keys(r)))];
  const cells = rows.map((r) => header.map((key) => (r[key] === null || r[key] === undefined ? '-' : String(r[key]))));
  return formatTable(header, cells)
    .split('\n')
    .map((line) => `    ${line}`);
}
