import { RecentCandlesCache } from '../../market/recent-candles-cache.ts';
import type { AgentDeps } from '../kit/agent-definition.ts';

/** This process's last bars of each pair: TA and regime read the same bars, bar after bar. */
const recentCandles = new RecentCandlesCache();

/** The candles an analysis reads: all the history kept (steadier EMAs), at least `agents.ta.minCandles`. */
export async function analysisCandles(deps: Pick<AgentDeps, 'db' | 'config'>, symbol: string) {
  const count = Math.max(deps.config.marketData.historyCandles, deps.config.agents.ta.minCandles);
  return recentCandles.recent(deps.db, symbol, deps.config.marketData.timeframe, count);
}
