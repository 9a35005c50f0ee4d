import { z } from 'zod';
import { configSectionsOf } from '../../agents/contracts/agent-contract-parts.ts';
import type { AgentContract } from '../../agents/contracts/agent-contract.ts';
import { agentContracts } from '../../agents/contracts/agent-contracts.ts';
import { PanelMemberConfig } from '../fields/panel-member-config.ts';
import { durationMs, ratio } from '../config-fields.ts';

/** The `agents.decision` section: the decision panel. */
export const DecisionConfig = z
  .object({
    /**
     * The panel: every model and strategy votes in parallel; a failing or late one abstains.
     * A member is a model (`{ provider, model, weight }`) or a strategy file
     * (`{ strategy: strategies/trend-follower.ts, params, weight }`).
     */
    panel: z
      .array(PanelMemberConfig)
      .min(1)
      .max(10)
      .default([{ provider: 'rules', model: 'rules', weight: 1 }]),
    /** A model that has not answered after this long abstains. */
    perModelTimeoutMs: durationMs(1_000, 300_000).default(30_000),
    /** Share of the voting weight that must agree on an action for a signal to be emitted. */
    minAgreement: ratio(0, 1).default(0.5),
  })
  .strict()
  .prefault({});
export type DecisionConfig = z.infer<typeof DecisionConfig>;

/** The `agents` section of the given agents: each one's section by its name (from its contract), then `decision`. */
export function agentsConfigOf<const C extends readonly AgentContract[]>(contracts: C) {
  return z.object({ ...configSectionsOf(contracts), decision: DecisionConfig }).strict();
}

/** The `agents` section: tuning of the registered analysis agents and the decision panel. */
export const AgentsConfig = agentsConfigOf(agentContracts);
export type AgentsConfig = z.infer<typeof AgentsConfig>;
