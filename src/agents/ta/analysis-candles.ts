import { loadRecentCandles } from '../../market/candle-store.ts';
import type { AgentDeps } from '../kit/agent-definition.ts';

/** The candles an analysis reads: all the history kept (steadier EMAs), at least `agents.ta.minCandles`. */
export async function analysisCandles(deps: Pick<AgentDeps, 'db' | 'config'>, symbol: string) {
  const count = Math.max(deps.config.marketData.historyCandles, deps.config.agents.ta.minCandles);
  return loadRecentCandles(deps.db, symbol, deps.config.marketData.timeframe, count);
}
