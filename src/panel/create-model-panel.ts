import type { Clock } from '../clock/clock.ts';
import type { AppConfig } from '../config/app-config.ts';
import type { Db } from '../db/open-database.ts';
import type { Logger } from '../shared/logger.ts';
import type { BudgetExhausted } from '../llm/daily-budget.ts';
import { ModelGateway } from '../llm/model-gateway.ts';
import type { LoadedStrategy } from '../strategies/load-strategy.ts';
import { ModelPanel } from './model-panel.ts';

export interface ModelLayerDeps {
  db: Db;
  clock: Clock;
  logger: Logger;
  /** Told once per UTC day that `llm.dailyBudgetUsd` is spent (the degradation module raises its level). */
  onBudgetExhausted?: (event: BudgetExhausted) => void | Promise<void>;
  /** The panel's strategy files, loaded (`loadPanelStrategies`); required when the panel names any. */
  strategies?: readonly LoadedStrategy[];
}

/**
 * The model layer from the application config: the gateway (every model call, recorded,
 * budgeted, cached during replay) and the decision panel on top of it. The gateway is also
 * what the sentiment agent and the conflict resolver ask through.
 */
export function createModelPanel(
  config: Pick<AppConfig, 'llm' | 'agents' | 'risk' | 'marketData'>,
  deps: ModelLayerDeps,
): { gateway: ModelGateway; panel: ModelPanel } {
  const gateway = new ModelGateway({
    db: deps.db,
    clock: deps.clock,
    logger: deps.logger,
    config: config.llm,
    replay: config.marketData.source === 'replay',
    onBudgetExhausted: deps.onBudgetExhausted,
  });
  const panel = new ModelPanel({
    gateway,
    logger: deps.logger,
    decision: config.agents.decision,
    rules: config.llm.rules,
    maxLeverage: config.risk.maxLeverage,
    strategies: deps.strategies ?? [],
  });
  return { gateway, panel };
}
