import type { Command } from 'commander';
import { addSentimentInputs, parseSentimentInputs } from '../../agents/sentiment/sentiment-input-store.ts';
import { systemClock } from '../../clock/clock.ts';
import { loadConfig } from '../../config/load-config.ts';
import { migrateDatabase } from '../../db/migrate-database.ts';
import { openDatabase } from '../../db/open-database.ts';
import { TriplegainError } from '../../shared/triplegain-error.ts';

/**
 * `triplegain sentiment add --symbol BTC/USD [--source cli] [--published-at <iso>] <text...>`:
 * stores one headline or post (the words joined by spaces) for the sentiment agent, in the
 * configured database (`database.url`, else PGlite in `database.pgliteDir`), migrated first.
 * The same text from the same source for the same symbol is stored once.
 */
export function registerSentimentCommands(program: Command): void {
  const sentiment = program.command('sentiment').description('headlines and posts scored by the sentiment agent');

  sentiment
    .command('add')
    .description('store a headline or post for a pair (stored once; the agent scores those of its lookback window)')
    .argument('<text...>', 'the headline or post; the words are joined by spaces')
    .requiredOption('--symbol <pair>', 'the pair it is about, one of symbols.pairs, e.g. BTC/USD')
    .option('--source <name>', 'where it came from, e.g. cli or rss', 'cli')
    .option('--published-at <iso>', 'when it was published, e.g. 2025-01-31T14:00:00Z (default: now)')
    .action(async (words: string[], opts: { symbol: string; source: string; publishedAt?: string }) => {
      const { config } = loadConfig({ file: program.opts<{ config?: string }>().config });
      if (!config.symbols.pairs.includes(opts.symbol)) {
        throw new TriplegainError('DATA_INVALID', `invalid sentiment input: symbol: ${opts.symbol} is not one of symbols.pairs (${config.symbols.pairs.join(', ')})`, { field: 'symbol' });
      }
      const publishedAtMs = opts.publishedAt === undefined ? systemClock.now() : parseInstant(opts.publishedAt);
      // Refused before the database is opened (or created).
      const inputs = parseSentimentInputs([{ symbol: opts.symbol, source: opts.source, text: words.join(' '), publishedAtMs }]);

      const database = await openDatabase({ url: config.database.url || undefined, pgliteDir: config.database.pgliteDir, applicationName: 'triplegain-cli', connectTimeoutMs: config.app.connectTimeoutMs });
      try {
        await migrateDatabase(database);
        const added = await addSentimentInputs(database.db, inputs);
        console.log(added === 1 ? `stored 1 input for ${opts.symbol} from ${opts.source}` : `already stored: the same text from ${opts.source} for ${opts.symbol}`);
      } finally {
        await database.close();
      }
    });
}

function parseInstant(text: string): number {
  const ms = Date.parse(text);
  if (Number.isNaN(ms)) throw new TriplegainError('DATA_INVALID', `invalid sentiment input: publishedAt: "${text}" is not a date such as 2025-01-31T14:00:00Z`, { field: 'publishedAt' });
  return ms;
}
