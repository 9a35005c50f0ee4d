import { z } from 'zod';
import { SentimentScored } from '../agents/sentiment/contract/sentiment-scored.ts';
import { TaSignalEmitted } from '../agents/ta/contract/ta-signal-emitted.ts';
import { MarketRegime } from '../model/market-regime.ts';
import { tradingPair } from '../config/config-fields.ts';

/** When an output was published (the bus envelope's `tsMs`, or the store's `createdAt`), epoch ms. */
const PublishedAtMs = z.number().int().nonnegative();

/**
 * What the coordinator knows about one symbol when it decides on a signal: the newest output
 * of each analysis agent, each with its publish time. The caller fills it from the bus
 * `latest()` index or from the agent-output store; an agent with no output is left out.
 *
 * Stale outputs may be included: the domain functions drop what is older than
 * `coordinator.freshnessMs` themselves (see `freshOutputs`).
 */
export const AgentView = z
  .object({
    /** The pair every output below is about, e.g. `BTC/USD`. */
    symbol: tradingPair(),
    ta: z
      .object({
        bias: TaSignalEmitted.payload.shape.bias,
        confidence: TaSignalEmitted.payload.shape.confidence,
        tsMs: PublishedAtMs,
      })
      .strict()
      .optional(),
    regime: z
      .object({
        regime: MarketRegime,
        confidence: z.number().min(0).max(1),
        tsMs: PublishedAtMs,
      })
      .strict()
      .optional(),
    sentiment: z
      .object({
        /** -1 (bearish) … 1 (bullish). */
        score: SentimentScored.payload.shape.score,
        confidence: SentimentScored.payload.shape.confidence,
        tsMs: PublishedAtMs,
      })
      .strict()
      .optional(),
  })
  .strict();
export type AgentView = z.infer<typeof AgentView>;
