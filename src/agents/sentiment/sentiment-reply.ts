import { z } from 'zod';

/**
 * The reply a sentiment model must produce. Unknown keys are dropped, not refused: a model
 * that adds a field has still answered.
 */
export const SentimentReply = z.object({
  score: z.number().min(-1).max(1).describe('Sentiment toward the asset: -1 very bearish, 0 neutral, 1 very bullish'),
  confidence: z.number().min(0).max(1).describe('How clear and relevant the evidence is, 0 to 1'),
  reasoning: z.string().min(1).max(4_000).describe('One or two sentences on why'),
});
export type SentimentReply = z.infer<typeof SentimentReply>;
