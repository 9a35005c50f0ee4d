import { defineAgent, emittedRun } from '../kit/agent-definition.ts';
import { saveAgentOutputOf } from '../kit/agent-output-store.ts';
import { analysisCandles } from '../ta/analysis-candles.ts';
import { detectRegime } from './detect-regime.ts';
import { RegimeOutput } from './regime-output.ts';

/** Where the regime outputs are stored. */
const regimeOutputs = { name: 'regime', output: RegimeOutput } as const;

/** Regime of one pair from the same candles as TA, stored and published like the TA output. */
export const regimeAgent = defineAgent({
  ...regimeOutputs,
  result: emittedRun(RegimeOutput),
  queue: {
    description: 'market regime of one pair from its stored candles',
    runDescription: 'classify one pair, store and publish regime.detected',
    concurrency: 2,
    attempts: 2,
    backoffMs: 1_000,
    keep: { completed: 1_000, failed: 5_000 },
    timeoutMs: (config) => config.schedules.regime.timeoutMs,
  },
  flowInput: 'required',
  async run(deps, run) {
    const output = detectRegime(await analysisCandles(deps, run.symbol), deps.config.agents.regime, {
      minCandles: deps.config.agents.ta.minCandles,
    });
    const { inserted } = await saveAgentOutputOf(deps.db, regimeOutputs, {
      symbol: run.symbol,
      output,
      correlationId: run.correlationId,
    });
    if (inserted)
      await deps.bus.publish('regime.detected', output, {
        symbol: run.symbol,
        source: 'regime',
        correlationId: run.correlationId,
      });
    return { status: 'emitted' as const, output, inserted };
  },
  figures: (regime) => {
    const m = regime.metrics;
    return {
      regime: regime.regime,
      confidence: regime.confidence,
      ...(m ? { adx: m.adx, atrPct: m.atrPct, bandWidthPct: m.bandWidthPct, emaAlignment: m.emaAlignment } : {}),
    };
  },
});
