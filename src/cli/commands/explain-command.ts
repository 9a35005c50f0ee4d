import type { Command } from 'commander';
import { ACCEPTED_IDS } from '../../explain/accepted-ids.ts';

/**
 * `triplegain explain <id> [--json]`: the chain from candles through agent outputs, votes,
 * conflicts and resolution, risk decision, order events and fills to the position, for a
 * signal, proposal, risk decision, client order or exchange order id. Reads the configured
 * database (`database.url`, else PGlite in `database.pgliteDir`), migrated first; needs no
 * Redis. An unknown id fails with `NOT_FOUND` (exit code 1).
 */
export function registerExplainCommand(program: Command): void {
  program
    .command('explain')
    .description(
      'show how a decision came about: bars, agent outputs, model calls, votes, coordinator, risk, orders, fills and positions',
    )
    .argument('<id>', ACCEPTED_IDS)
    .option('--json', 'print the explanation as JSON instead of text')
    .action(async (id: string, opts: { json?: boolean }) => {
      const { explainAction } = await import('../actions/explain-action.ts');
      await explainAction({ ...opts, id, configFile: program.opts<{ config?: string }>().config });
    });
}
