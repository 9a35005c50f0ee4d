import { addSentimentInputs, parseSentimentInputs } from '../../agents/sentiment/sentiment-input-store.ts';
import { systemClock } from '../../clock/clock.ts';
import { loadConfig } from '../../config/load-config.ts';
import { openConfiguredDatabase } from '../../runtime/open-configured-database.ts';
import { TriplegainError } from '../../shared/triplegain-error.ts';

export interface SentimentAddActionOptions {
  /** The global `-c/--config` file; undefined for the default layers. */
  configFile: string | undefined;
  /** The headline or post. */
  text: string;
  /** The pair it is about; must be one of `symbols.pairs`. */
  symbol: string;
  /** Where it came from. */
  source: string;
  /** When it was published, as an ISO date; now when undefined. */
  publishedAt?: string;
}

/**
 * The work of `triplegain sentiment add`: validates the input (symbol among `symbols.pairs`,
 * date, text) before the database is opened (or created), failing with `DATA_INVALID`; then
 * stores it in the configured database, migrated first, and prints whether it was stored or
 * already there. The database is closed whatever happens.
 */
export async function sentimentAddAction(options: SentimentAddActionOptions): Promise<void> {
  const { config } = loadConfig({ file: options.configFile });
  if (!config.symbols.pairs.includes(options.symbol)) {
    throw new TriplegainError(
      'DATA_INVALID',
      `invalid sentiment input: symbol: ${options.symbol} is not one of symbols.pairs (${config.symbols.pairs.join(', ')})`,
      { field: 'symbol' },
    );
  }
  const publishedAtMs = options.publishedAt === undefined ? systemClock.now() : parseInstant(options.publishedAt);
  // Refused before the database is opened (or created).
  const inputs = parseSentimentInputs([
    { symbol: options.symbol, source: options.source, text: options.text, publishedAtMs },
  ]);

  const database = await openConfiguredDatabase(config);
  try {
    const added = await addSentimentInputs(database.db, inputs);
    console.log(
      added === 1
        ? `stored 1 input for ${options.symbol} from ${options.source}`
        : `already stored: the same text from ${options.source} for ${options.symbol}`,
    );
  } finally {
    await database.close();
  }
}

function parseInstant(text: string): number {
  const ms = Date.parse(text);
  if (Number.isNaN(ms))
    throw new TriplegainError(
      'DATA_INVALID',
      `invalid sentiment input: publishedAt: "${text}" is not a date such as 2025-01-31T14:00:00Z`,
      { field: 'publishedAt' },
    );
  return ms;
}
