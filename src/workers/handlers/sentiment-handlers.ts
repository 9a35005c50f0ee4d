import type { Queue } from 'bullmq';
import { runSentiment } from '../../agents/sentiment/run-sentiment.ts';
import { barOpenTimeMs, timeframeMs } from '../../market/timeframes.ts';
import type { JobHandlers } from '../../queues/define-queue.ts';
import { sentimentQueue } from '../../queues/queue-catalog.ts';
import { fanOutTick } from '../fan-out-tick.ts';
import { runExclusively } from '../run-exclusively.ts';
import type { TaskDeps } from '../task-deps.ts';

/**
 * Sentiment of one pair for the newest closed bar (see `runSentiment`): a measured score is
 * stored, then published as `sentiment.scored`; an abstention (off, no usable model, no
 * input, every model failed) publishes nothing and is the run's result, not a failure.
 */
export function sentimentHandlers(deps: TaskDeps, queue: Queue): JobHandlers<typeof sentimentQueue> {
  const timeframe = deps.config.marketData.timeframe;
  return {
    tick: fanOutTick({ ...deps, queue, definition: sentimentQueue }, 'sentiment', () => deps.config.symbols.pairs),
    run: (data, ctx) =>
      runExclusively(deps, data, ctx, async () => {
        const candleOpenTimeMs = barOpenTimeMs(deps.clock.now(), timeframe) - timeframeMs(timeframe);
        const result = await runSentiment(
          {
            db: deps.db,
            gateway: deps.gateway,
            config: deps.config.agents.sentiment,
            clock: deps.clock,
            logger: ctx.logger,
          },
          { symbol: data.symbol, timeframe, candleOpenTimeMs, correlationId: data.correlationId, signal: ctx.signal },
        );
        if (result.status === 'abstained') return result;
        if (result.fresh)
          await deps.bus.publish('sentiment.scored', result.payload, {
            symbol: data.symbol,
            source: 'sentiment',
            correlationId: data.correlationId,
          });
        return { status: 'emitted' as const, output: result.output, inserted: result.fresh };
      }),
  };
}
