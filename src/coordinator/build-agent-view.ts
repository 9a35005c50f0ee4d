import type { Bus } from '../bus/bus.ts';
import { RegimeDetected } from '../agents/regime/contract/regime-detected.ts';
import { SentimentScored } from '../agents/sentiment/contract/sentiment-scored.ts';
import { TaSignalEmitted } from '../agents/ta/contract/ta-signal-emitted.ts';
import { AgentView } from './agent-view.ts';

/**
 * The newest TA, regime and sentiment outputs of `symbol` from the bus's latest index (which
 * never answers with another symbol's message), each with its publish time. Staleness is the
 * domain functions' business (`freshOutputs`).
 */
export async function buildAgentView(bus: Pick<Bus, 'latest'>, symbol: string): Promise<AgentView> {
  const [ta, regime, sentiment] = await Promise.all([
    bus.latest(TaSignalEmitted.topic, { symbol }),
    bus.latest(RegimeDetected.topic, { symbol }),
    bus.latest(SentimentScored.topic, { symbol }),
  ]);
  return AgentView.parse({
    symbol,
    ...(ta && ta.type === TaSignalEmitted.type
      ? { ta: { bias: ta.payload.bias, confidence: ta.payload.confidence, tsMs: ta.tsMs } }
      : {}),
    ...(regime && regime.type === RegimeDetected.type
      ? { regime: { regime: regime.payload.regime, confidence: regime.payload.confidence, tsMs: regime.tsMs } }
      : {}),
    ...(sentiment && sentiment.type === SentimentScored.type
      ? {
          sentiment: { score: sentiment.payload.score, confidence: sentiment.payload.confidence, tsMs: sentiment.tsMs },
        }
      : {}),
  });
}
