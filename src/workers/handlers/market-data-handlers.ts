import type { Queue } from 'bullmq';
import { loadRecentCandles, saveCandles } from '../../market/candle-store.ts';
import { timeframeMs } from '../../market/timeframes.ts';
import type { JobHandlers } from '../../queues/define-queue.ts';
import { marketDataQueue, type MarketDataRunResult } from '../../queues/queue-catalog.ts';
import type { TaskRunData } from '../../queues/task-run-data.ts';
import { fanOutTick } from '../fan-out-tick.ts';
import type { TaskDeps } from '../task-deps.ts';

/**
 * The market-data task: for each pair, the closed bars after the newest stored one (or the
 * last `marketData.historyCandles` the first time), stored and then published as
 * `market.candle_closed`, oldest first — except on the first load, where only the newest bar
 * is published: the others are history (the analyses read it from the store), not news, and
 * publishing them made the paper exchange and the positions service spend the first minute
 * walking through a fortnight of old prices while orders placed now waited for a current one.
 * Runs are exclusive per pair through the scheduler's deduplication (no flow runs this task).
 */
export function marketDataHandlers(deps: TaskDeps, queue: Queue): JobHandlers<typeof marketDataQueue> {
  return {
    tick: fanOutTick({ ...deps, queue, definition: marketDataQueue }, 'marketData', () => deps.config.symbols.pairs),
    run: (data, ctx) => syncCandles(deps, data, ctx.signal),
  };
}

async function syncCandles(deps: TaskDeps, data: TaskRunData, signal: AbortSignal): Promise<MarketDataRunResult> {
  const timeframe = deps.config.marketData.timeframe;
  const [newest] = await loadRecentCandles(deps.db, data.symbol, timeframe, 1);
  const sinceMs = newest ? newest.openTimeMs + timeframeMs(timeframe) : undefined;
  const fetched = await deps.candles.closedCandles(data.symbol, {
    sinceMs,
    limit: deps.config.marketData.historyCandles,
    signal,
  });
  const fresh = newest ? fetched.filter((c) => c.openTimeMs > newest.openTimeMs) : fetched;
  signal.throwIfAborted();
  const stored = await saveCandles(deps.db, fresh, deps.candles.name);
  // Persist, then publish. A run retried after a crash in between finds these bars stored and
  // does not publish them again: market_data is a feed, the store is the record.
  let published = 0;
  for (const { symbol, ...bar } of newest ? fresh : fresh.slice(-1)) {
    await deps.bus.publish('market.candle_closed', bar, {
      symbol,
      source: 'market-data',
      correlationId: data.correlationId,
    });
    published += 1;
  }
  const last = fresh.at(-1) ?? newest;
  return { stored, published, lastOpenTimeMs: last ? last.openTimeMs : null };
}
