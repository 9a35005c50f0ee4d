import type { Queue } from 'bullmq';
import { saveAgentOutput } from '../../agents/agent-output-store.ts';
import { detectRegime } from '../../agents/regime/detect-regime.ts';
import { computeTechnicalAnalysis } from '../../agents/ta/compute-technical-analysis.ts';
import { loadRecentCandles } from '../../market/candle-store.ts';
import type { JobHandlers } from '../../queues/define-queue.ts';
import { regimeQueue, taQueue } from '../../queues/queue-catalog.ts';
import type { TaskRunData } from '../../queues/task-run-data.ts';
import { fanOutTick } from '../fan-out-tick.ts';
import { runExclusively } from '../run-exclusively.ts';
import type { TaskDeps } from '../task-deps.ts';

/** The candles an analysis reads: all the history kept (steadier EMAs), at least `agents.ta.minCandles`. */
async function analysisCandles(deps: TaskDeps, data: TaskRunData) {
  const count = Math.max(deps.config.marketData.historyCandles, deps.config.agents.ta.minCandles);
  return loadRecentCandles(deps.db, data.symbol, deps.config.marketData.timeframe, count);
}

/**
 * Technical analysis of one pair: its stored candles → indicators and bias → stored once per
 * bar in `agent_outputs` → `ta.signal_emitted` (only for a bar not analysed before, so the
 * topic carries one signal per bar however often the task runs). Too few candles fail the run
 * without retry, naming how many are needed.
 */
export function taHandlers(deps: TaskDeps, queue: Queue): JobHandlers<typeof taQueue> {
  return {
    tick: fanOutTick({ ...deps, queue, definition: taQueue }, 'ta', () => deps.config.symbols.pairs),
    run: (data, ctx) =>
      runExclusively(deps, data, ctx, async () => {
        const output = computeTechnicalAnalysis(await analysisCandles(deps, data), {
          minCandles: deps.config.agents.ta.minCandles,
        });
        const { inserted } = await saveAgentOutput(deps.db, {
          agent: 'ta',
          symbol: data.symbol,
          output,
          correlationId: data.correlationId,
        });
        if (inserted)
          await deps.bus.publish('ta.signal_emitted', output, {
            symbol: data.symbol,
            source: 'ta',
            correlationId: data.correlationId,
          });
        return { status: 'emitted' as const, output, inserted };
      }),
  };
}

/** Regime of one pair from the same candles, stored and published like the TA output. */
export function regimeHandlers(deps: TaskDeps, queue: Queue): JobHandlers<typeof regimeQueue> {
  return {
    tick: fanOutTick({ ...deps, queue, definition: regimeQueue }, 'regime', () => deps.config.symbols.pairs),
    run: (data, ctx) =>
      runExclusively(deps, data, ctx, async () => {
        const output = detectRegime(await analysisCandles(deps, data), deps.config.agents.regime, {
          minCandles: deps.config.agents.ta.minCandles,
        });
        const { inserted } = await saveAgentOutput(deps.db, {
          agent: 'regime',
          symbol: data.symbol,
          output,
          correlationId: data.correlationId,
        });
        if (inserted)
          await deps.bus.publish('regime.detected', output, {
            symbol: data.symbol,
            source: 'regime',
            correlationId: data.correlationId,
          });
        return { status: 'emitted' as const, output, inserted };
      }),
  };
}
