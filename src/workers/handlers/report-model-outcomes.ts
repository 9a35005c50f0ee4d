import type { DegradationMonitor } from '../../degradation/degradation-monitor.ts';
import type { PanelDecision } from '../../panel/panel-decision.ts';
import { STRATEGY_MODEL_PREFIX } from '../../strategies/load-strategy.ts';

/**
 * Each model's answer counts toward the degradation level: an abstention as a failure. A
 * strategy file's does not: its failure is a bug in its code, the same on every bar, not an
 * outage that dropping secondary models would ride out (and at REDUCED the panel would stop
 * asking it, so it could never count back down).
 */
export async function reportModelOutcomes(
  degradation: Pick<DegradationMonitor, 'recordSuccess' | 'recordFailure'>,
  decision: Pick<PanelDecision, 'votes' | 'abstentions'>,
): Promise<void> {
  const counted = (model: string) => !model.startsWith(STRATEGY_MODEL_PREFIX);
  for (const vote of decision.votes) if (counted(vote.model)) await degradation.recordSuccess(`model:${vote.model}`);
  for (const abstention of decision.abstentions)
    if (counted(abstention.model)) await degradation.recordFailure(`model:${abstention.model}`, abstention.reason);
}
