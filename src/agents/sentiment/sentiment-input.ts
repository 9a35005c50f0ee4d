import { z } from 'zod';
import { tradingPair } from '../../config/config-fields.ts';

/** Longest headline or post stored and scored, in characters. */
export const SENTIMENT_TEXT_MAX_CHARS = 2_000;

/**
 * Runs of whitespace (newlines included) become one space: an input is one line of the
 * prompt's numbered list, and the same headline spaced differently is the same headline.
 */
export function collapseWhitespace(text: string): string {
  return text.replace(/\s+/g, ' ').trim();
}

/**
 * One headline or post supplied for the sentiment agent: what `addSentimentInputs` accepts.
 * `text` is stored with its whitespace collapsed.
 */
export const SentimentInput = z
  .object({
    /** Exchange pair the text is about, e.g. `BTC/USD`. */
    symbol: tradingPair(),
    /** The headline or post: 1 to 2,000 characters once whitespace is collapsed. */
    text: z
      .string()
      .transform(collapseWhitespace)
      .pipe(
        z
          .string()
          .min(1, 'must not be empty')
          .max(SENTIMENT_TEXT_MAX_CHARS, `must be at most ${SENTIMENT_TEXT_MAX_CHARS} characters`),
      ),
    /** Where it came from, e.g. `cli` or `rss`. */
    source: z.string().regex(/^[a-z][a-z0-9_-]{0,31}$/, 'expected a lowercase source name such as cli or rss'),
    /** When the source published it (the lookback window is measured on this). */
    publishedAtMs: z.number().int().nonnegative(),
  })
  .strict();
export type SentimentInput = z.infer<typeof SentimentInput>;
