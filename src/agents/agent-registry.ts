import type { agentQueueNames } from '../queues/catalog-queue-names.ts';
import { regimeAgent } from './regime/regime-agent.ts';
import { sentimentAgent } from './sentiment/sentiment-agent.ts';
import { taAgent } from './ta/ta-agent.ts';

/**
 * Every analysis agent, in the order their queues are listed and their runs join a decision
 * flow. Registering an agent is one line here and one in `agentContracts` (its messages,
 * config section and schedule, which the bus, the config and the command line read without
 * loading any agent); its queue, worker, place in the decision flow, stored outputs and
 * `explain` figures all follow from its definition.
 */
export const agentRegistry = [taAgent, regimeAgent, sentimentAgent] as const;

/** The names of the registered agents, in order. */
type NamesOf<T extends readonly unknown[]> = { [K in keyof T]: T[K] extends { name: infer N } ? N : never };
type Same<A, B> = [A] extends [B] ? ([B] extends [A] ? true : false) : false;
// `agentContracts` (whose names are `agentQueueNames`) lists exactly the registered agents, in the
// same order: a mismatch does not compile.
export const registryMatchesQueueNames: Same<NamesOf<typeof agentRegistry>, typeof agentQueueNames> = true;
