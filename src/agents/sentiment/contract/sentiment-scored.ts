import { z } from 'zod';
import type { MessageDefinition } from '../../../bus/define-message.ts';

/** A measured sentiment score; the agent publishes nothing when it abstains. */
export const SentimentScored = {
  type: 'sentiment.scored',
  topic: 'sentiment_updates',
  description: 'Sentiment of one symbol measured from supplied headlines or posts',
  payload: z
    .object({
      /** -1 (bearish) … 1 (bullish). */
      score: z.number().min(-1).max(1),
      confidence: z.number().min(0).max(1),
      sampleCount: z.number().int().positive(),
      model: z.string().min(1),
    })
    .strict(),
} as const satisfies MessageDefinition;
