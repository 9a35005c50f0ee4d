import { z } from 'zod';
import { ModelRefConfig } from './model-ref-config.ts';
import { StrategyRefConfig } from './strategy-ref-config.ts';

/** A voter of the decision panel: a model (`provider` and `model`) or a strategy file (`strategy`). */
export const PanelMemberConfig = z.union([StrategyRefConfig, ModelRefConfig]);
export type PanelMemberConfig = z.infer<typeof PanelMemberConfig>;

/** Whether a panel member is a strategy file. */
export function isStrategyRef(member: PanelMemberConfig): member is StrategyRefConfig {
  return 'strategy' in member;
}

/** The models of a panel, strategies left out. */
export function panelModels(panel: readonly PanelMemberConfig[]): ModelRefConfig[] {
  return panel.filter((member): member is ModelRefConfig => !isStrategyRef(member));
}
