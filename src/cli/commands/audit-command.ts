import type { Command } from 'commander';

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
    .description(
      'check the invariants of orders, fills, positions, stops, reservations and paper balances; exit code 1 on a violation',
    )
    .option('--json', 'print the report as JSON instead of text')
    .action(async (opts: { json?: boolean }) => {
      const { auditAction } = await import('../actions/audit-action.ts');
      await auditAction({ configFile: program.opts<{ config?: string }>().config, json: opts.json });
    });
}
