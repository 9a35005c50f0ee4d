import { z } from 'zod';
import { SentimentScored } from './contract/sentiment-scored.ts';

/**
 * What the sentiment agent stores for one bar: the `sentiment.scored` payload plus the bar it
 * speaks for (which keys the stored row). Only a measured score is ever stored: an abstention
 * stores nothing.
 */
export const SentimentOutput = SentimentScored.payload
  .extend({
    timeframe: z.string().min(1),
    /** Open time of the bar the run was made for. */
    candleOpenTimeMs: z.number().int().nonnegative(),
  })
  .strict();
export type SentimentOutput = z.infer<typeof SentimentOutput>;

/** Where the sentiment outputs are stored. */
export const sentimentOutputs = { name: 'sentiment', output: SentimentOutput } as const;
