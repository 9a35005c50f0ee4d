import type { z } from 'zod';
import type { SentimentInput } from '../../../src/agents/sentiment/sentiment-input.ts';
import type { SentimentReply } from '../../../src/agents/sentiment/sentiment-reply.ts';
import { LlmConfig } from '../../../src/config/sections/llm-config.ts';

/** Noon of a fixed day: the clock of the sentiment tests. */
export const NOW_MS = Date.UTC(2031, 4, 6, 12, 0, 0);
export const HOUR_MS = 3_600_000;

let headlines = 0;

/** A headline that passes the real schema, new text on every call unless given. */
export function anInput(overrides: Partial<z.input<typeof SentimentInput>> = {}): z.input<typeof SentimentInput> {
  headlines += 1;
  return {
    symbol: 'BTC/USD',
    text: `Bitcoin ETF inflows reach a record for the ${headlines}th day`,
    source: 'cli',
    publishedAtMs: NOW_MS - HOUR_MS,
    ...overrides,
  };
}

/** A reply that passes `SentimentReply`. */
export function aReply(overrides: Partial<SentimentReply> = {}): SentimentReply {
  return {
    score: 0.42,
    confidence: 0.8,
    reasoning: 'Record inflows and new highs outweigh one hack report.',
    ...overrides,
  };
}

/**
 * Providers that exist but cannot be called: no API key and not on this machine. No request
 * may ever reach them.
 */
export function keylessLlmConfig(): LlmConfig {
  return LlmConfig.parse({
    providers: {
      deepseek: {
        kind: 'openai-compatible',
        baseUrl: 'https://api.deepseek.invalid',
        apiKey: '',
        model: 'deepseek-chat',
      },
      anthropic: {
        kind: 'anthropic',
        baseUrl: 'https://api.anthropic.invalid',
        apiKey: '',
        model: 'claude-sonnet-4-6',
      },
    },
  });
}
