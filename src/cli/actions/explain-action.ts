import { loadConfig } from '../../config/load-config.ts';
import { explainChain } from '../../explain/explain-chain.ts';
import { renderExplanation } from '../../explain/render-explanation.ts';
import { openConfiguredDatabase } from '../../runtime/open-configured-database.ts';

export interface ExplainActionOptions {
  /** The global `-c/--config` file; undefined for the default layers. */
  configFile: string | undefined;
  /** A signal, proposal, risk decision, client order or exchange order id. */
  id: string;
  /** Print the explanation as JSON instead of text. */
  json?: boolean;
}

/**
 * The work of `triplegain explain`: opens and migrates the configured database, explains the
 * chain of `id` and prints it as text or JSON. Throws `NOT_FOUND` for an unknown id. The
 * database is closed whatever happens.
 */
export async function explainAction(options: ExplainActionOptions): Promise<void> {
  const { config } = loadConfig({ file: options.configFile });
  const database = await openConfiguredDatabase(config);
  try {
    const explanation = await explainChain(database.db, options.id);
    process.stdout.write(options.json ? `${JSON.stringify(explanation, null, 2)}\n` : renderExplanation(explanation));
  } finally {
    await database.close();
  }
}
