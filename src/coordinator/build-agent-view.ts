import type { Bus } from '../bus/bus.ts';
import { AgentView } from './agent-view.ts';

/**
 * The newest TA, regime and sentiment outputs of `symbol` from the bus's latest index (which
 * never answers with another symbol's message), each with its publish time. Staleness is the
 * domain functions' business (`freshOutputs`).
 */
export async function buildAgentView(bus: Pick<Bus, 'latest'>, symbol: string): Promise<AgentView> {
  const [ta, regime, sentiment] = await Promise.all([
    bus.latest('ta_signals', { symbol }),
    bus.latest('regime_updates', { symbol }),
    bus.latest('sentiment_updates', { symbol }),
  ]);
  return AgentView.parse({
    symbol,
    ...(ta && ta.type === 'ta.signal_emitted'
      ? { ta: { bias: ta.payload.bias, confidence: ta.payload.confidence, tsMs: ta.tsMs } }
      : {}),
    ...(regime && regime.type === 'regime.detected'
      ? { regime: { regime: regime.payload.regime, confidence: regime.payload.confidence, tsMs: regime.tsMs } }
      : {}),
    ...(sentiment && sentiment.type === 'sentiment.scored'
      ? {
          sentiment: { score: sentiment.payload.score, confidence: sentiment.payload.confidence, tsMs: sentiment.tsMs },
        }
      : {}),
  });
}
