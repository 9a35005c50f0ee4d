import { z } from 'zod';
import { barOpenTimeMs, timeframeMs } from '../../market/timeframes.ts';
import { defineAgent, emittedRun } from '../kit/agent-definition.ts';
import { runSentiment } from './run-sentiment.ts';
import { sentimentOutputs, SentimentOutput } from './sentiment-output.ts';

export const SentimentRunResult = z.discriminatedUnion('status', [
  emittedRun(SentimentOutput),
  /** Nothing measured: no usable model, no input, or every model failed. Never a neutral score. */
  z.object({ status: z.literal('abstained'), reason: z.string().min(1), detail: z.string() }).strict(),
]);
export type SentimentRunResult = z.infer<typeof SentimentRunResult>;

/**
 * Sentiment of one pair for the newest closed bar (see `runSentiment`): a measured score is
 * stored, then published as `sentiment.scored`; an abstention (off, no usable model, no
 * input, every model failed) publishes nothing and is the run's result, not a failure.
 */
export const sentimentAgent = defineAgent({
  ...sentimentOutputs,
  result: SentimentRunResult,
  queue: {
    description: 'sentiment of one pair from supplied headlines, through a model',
    runDescription: 'score one pair, store and publish sentiment.scored, or abstain',
    concurrency: 4,
    // A model failure is an abstention already; a retry would only spend the budget again.
    attempts: 1,
    backoffMs: 0,
    keep: { completed: 1_000, failed: 5_000 },
    timeoutMs: (config) => config.schedules.sentiment.timeoutMs,
  },
  flowInput: 'optional',
  enabled: (config) => config.agents.sentiment.enabled,
  async run(deps, run) {
    const timeframe = deps.config.marketData.timeframe;
    const candleOpenTimeMs = barOpenTimeMs(deps.clock.now(), timeframe) - timeframeMs(timeframe);
    const result = await runSentiment(
      {
        db: deps.db,
        gateway: deps.gateway,
        config: deps.config.agents.sentiment,
        clock: deps.clock,
        logger: run.logger,
      },
      { symbol: run.symbol, timeframe, candleOpenTimeMs, correlationId: run.correlationId, signal: run.signal },
    );
    if (result.status === 'abstained') return result;
    if (result.fresh)
      await deps.bus.publish('sentiment.scored', result.payload, {
        symbol: run.symbol,
        source: 'sentiment',
        correlationId: run.correlationId,
      });
    return { status: 'emitted' as const, output: result.output, inserted: result.fresh };
  },
  figures: (sentiment) => ({
    score: sentiment.score,
    confidence: sentiment.confidence,
    sampleCount: sentiment.sampleCount,
    model: sentiment.model,
  }),
});
