import { defineAgent, emittedRun } from '../kit/agent-definition.ts';
import { saveAgentOutputOf } from '../kit/agent-output-store.ts';
import { analysisCandles } from './analysis-candles.ts';
import { computeTechnicalAnalysis } from './compute-technical-analysis.ts';
import { TaOutput } from './ta-output.ts';

/** Where the TA outputs are stored. */
const taOutputs = { name: 'ta', output: TaOutput } as const;

/**
 * Technical analysis of one pair: its stored candles → indicators and bias → stored once per
 * bar in `agent_outputs` → `ta.signal_emitted` (only for a bar not analysed before, so the
 * topic carries one signal per bar however often the task runs). Too few candles fail the run
 * without retry, naming how many are needed.
 */
export const taAgent = defineAgent({
  ...taOutputs,
  result: emittedRun(TaOutput),
  queue: {
    description: 'technical analysis of one pair from its stored candles',
    runDescription: 'analyse one pair, store and publish ta.signal_emitted',
    concurrency: 2,
    attempts: 2,
    backoffMs: 1_000,
    keep: { completed: 1_000, failed: 5_000 },
    timeoutMs: (config) => config.schedules.ta.timeoutMs,
  },
  flowInput: 'required',
  async run(deps, run) {
    const output = computeTechnicalAnalysis(await analysisCandles(deps, run.symbol), {
      minCandles: deps.config.agents.ta.minCandles,
    });
    const { inserted } = await saveAgentOutputOf(deps.db, taOutputs, {
      symbol: run.symbol,
      output,
      correlationId: run.correlationId,
    });
    if (inserted)
      await deps.bus.publish('ta.signal_emitted', output, {
        symbol: run.symbol,
        source: 'ta',
        correlationId: run.correlationId,
      });
    return { status: 'emitted' as const, output, inserted };
  },
  figures: (ta) => ({
    bias: ta.bias,
    confidence: ta.confidence,
    close: ta.close,
    rsi14: ta.indicators.rsi14,
    macdHistogram: ta.indicators.macd.histogram,
    atr14: ta.indicators.atr14,
    adx14: ta.indicators.adx14.adx,
    volumeTrend: ta.indicators.volume.trend,
  }),
});
