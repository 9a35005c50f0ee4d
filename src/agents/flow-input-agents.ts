import type { AppConfig } from '../config/app-config.ts';
import type { AnyAgentDefinition } from './kit/agent-definition.ts';

/**
 * The agents whose runs feed a decision flow: every required one and, at NORMAL only, every
 * optional one that is enabled (REDUCED drops the optional agents).
 */
export function flowInputAgents<A extends AnyAgentDefinition>(
  agents: readonly A[],
  config: AppConfig,
  withOptional: boolean,
): A[] {
  return agents.filter(
    (agent) => agent.flowInput === 'required' || (withOptional && (agent.enabled?.(config) ?? true)),
  );
}
