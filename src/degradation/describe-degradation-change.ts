import type { PayloadOf } from '../bus/message-catalog.ts';
import type { Severity } from '../model/severity.ts';
import { assertNever } from '../shared/triplegain-error.ts';
import { degradationLevels } from './degradation-state.ts';

/**
 * How a level change reads in the operational log: reaching EMERGENCY is critical, any other
 * raise a warning, a lowering info.
 */
export function describeDegradationChange(change: PayloadOf<'system.degradation_changed'>): {
  severity: Severity;
  message: string;
} {
  const raised = degradationLevels.indexOf(change.to) > degradationLevels.indexOf(change.from);
  const severity: Severity = !raised ? 'info' : change.to === 'EMERGENCY' ? 'critical' : 'warning';
  const move = `degradation level ${raised ? 'raised' : 'lowered'} from ${change.from} to ${change.to}`;
  switch (change.reason) {
    case 'failures':
      // Runs are counted per source: every failure of the run is the same source's.
      return {
        severity,
        message: `${move} after ${change.consecutiveFailures} consecutive failures of ${change.triggeredBy}`,
      };
    case 'successes':
      return {
        severity,
        message: `${move} after ${change.consecutiveSuccesses} consecutive successes, no source failing (last: ${change.triggeredBy})`,
      };
    case 'budget_spent':
      return { severity, message: `${move}: the daily model budget is spent` };
    default:
      return assertNever(change.reason, 'degradation reason');
  }
}
