import type { Command } from 'commander';
import { loadConfig } from '../../config/load-config.ts';
import { migrateDatabase } from '../../db/migrate-database.ts';
import { openDatabase } from '../../db/open-database.ts';
import { explainChain } from '../../explain/explain-chain.ts';
import { ACCEPTED_IDS } from '../../explain/find-chain-anchor.ts';
import { renderExplanation } from '../../explain/render-explanation.ts';

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
    .description('show how a decision came about: bars, agent outputs, model calls, votes, coordinator, risk, orders, fills and positions')
    .argument('<id>', ACCEPTED_IDS)
    .option('--json', 'print the explanation as JSON instead of text')
    .action(async (id: string, opts: { json?: boolean }) => {
      const { config } = loadConfig({ file: program.opts<{ config?: string }>().config });
      const database = await openDatabase({ url: config.database.url || undefined, pgliteDir: config.database.pgliteDir, applicationName: 'triplegain-cli', connectTimeoutMs: config.app.connectTimeoutMs });
      try {
        await migrateDatabase(database);
        const explanation = await explainChain(database.db, id);
        process.stdout.write(opts.json ? `${JSON.stringify(explanation, null, 2)}\n` : renderExplanation(explanation));
      } finally {
        await database.close();
      }
    });
}
