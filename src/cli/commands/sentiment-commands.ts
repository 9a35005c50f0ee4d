import type { Command } from 'commander';

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
      const { sentimentAddAction } = await import('../actions/sentiment-add-action.ts');
      await sentimentAddAction({
        ...opts,
        text: words.join(' '),
        configFile: program.opts<{ config?: string }>().config,
      });
    });
}
