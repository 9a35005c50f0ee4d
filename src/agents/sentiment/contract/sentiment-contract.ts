import type { AgentContract } from '../../contracts/agent-contract.ts';
import { SentimentConfig } from './sentiment-config.ts';
import { SentimentScored } from './sentiment-scored.ts';

/**
 * Sentiment analysis: publishes `sentiment.scored`; its schedule is off by default, as it
 * needs a model with news access.
 */
export const sentimentContract = {
  name: 'sentiment',
  messages: [SentimentScored],
  config: SentimentConfig,
  schedule: { enabled: false, everyMs: 1_800_000, timeoutMs: 120_000 },
} as const satisfies AgentContract;
