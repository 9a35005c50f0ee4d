import type { AlertSink } from '../alerts/alert-raiser.ts';
import { recordedEventAlerts } from '../alerts/recorded-event-alerts.ts';
import type { Clock } from '../clock/clock.ts';
import type { AppConfig } from '../config/app-config.ts';
import type { Db } from '../db/open-database.ts';
import type { DegradationMonitor } from '../degradation/degradation-monitor.ts';
import { createModelPanel } from '../panel/create-model-panel.ts';
import type { Logger } from '../shared/logger.ts';
import type { LoadedStrategy } from '../strategies/load-strategy.ts';

/**
 * The model layer of a worker process: the gateway and the decision panel, with a spent daily
 * budget raising the cluster's degradation level (to at least `degradation.budgetSpentLevel`
 * until the next UTC day) and an alert.
 */
export function createModelLayer(
  config: AppConfig,
  deps: {
    db: Db;
    clock: Clock;
    logger: Logger;
    degradation: Pick<DegradationMonitor, 'recordBudgetSpent'>;
    alerts?: AlertSink;
    /** The panel's strategy files, loaded (`loadPanelStrategies`). */
    strategies?: readonly LoadedStrategy[];
  },
): ReturnType<typeof createModelPanel> {
  return createModelPanel(config, {
    db: deps.db,
    clock: deps.clock,
    logger: deps.logger,
    strategies: deps.strategies,
    onBudgetExhausted: async (event) => {
      await deps.alerts?.report(recordedEventAlerts.modelBudgetSpent(event));
      await deps.degradation.recordBudgetSpent();
    },
  });
}
