import { RegimeOutput } from '../agents/regime/regime-output.ts';
import { SentimentOutput } from '../agents/sentiment/sentiment-output.ts';
import { TaOutput } from '../agents/ta/ta-output.ts';

export type AgentFigures = Record<string, string | number | null>;

/**
 * The few numbers that say what an agent concluded, in reading order: TA bias, confidence,
 * close and the main indicators; the regime, its confidence and metrics; the sentiment score.
 * Empty for an unknown agent, or an output that no longer fits its agent's schema (the whole
 * output is explained as stored anyway).
 */
export function agentFigures(agent: string, output: unknown): AgentFigures {
  switch (agent) {
    case 'ta': {
      const ta = TaOutput.safeParse(output);
      if (!ta.success) return {};
      const { indicators: i } = ta.data;
      return {
        bias: ta.data.bias,
        confidence: ta.data.confidence,
        close: ta.data.close,
        rsi14: i.rsi14,
        macdHistogram: i.macd.histogram,
        atr14: i.atr14,
        adx14: i.adx14.adx,
        volumeTrend: i.volume.trend,
      };
    }
    case 'regime': {
      const regime = RegimeOutput.safeParse(output);
      if (!regime.success) return {};
      const m = regime.data.metrics;
      return {
        regime: regime.data.regime,
        confidence: regime.data.confidence,
        ...(m ? { adx: m.adx, atrPct: m.atrPct, bandWidthPct: m.bandWidthPct, emaAlignment: m.emaAlignment } : {}),
      };
    }
    case 'sentiment': {
      const sentiment = SentimentOutput.safeParse(output);
      if (!sentiment.success) return {};
      return {
        score: sentiment.data.score,
        confidence: sentiment.data.confidence,
        sampleCount: sentiment.data.sampleCount,
        model: sentiment.data.model,
      };
    }
    default:
      return {};
  }
}
