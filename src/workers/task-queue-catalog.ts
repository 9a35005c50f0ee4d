import { agentRegistry } from '../agents/agent-registry.ts';
import type { AnyAgentDefinition } from '../agents/kit/agent-definition.ts';
import { agentQueueOf, type AgentQueue } from '../queues/agent-queue.ts';
import type { AnyQueueDefinition } from '../queues/define-queue.ts';
import {
  catalogQueueNames,
  decisionQueue,
  executionQueue,
  marketDataQueue,
  portfolioQueue,
  reconcileQueue,
  riskQueue,
  type CatalogQueueName,
} from '../queues/queue-catalog.ts';

/** The queues of `agents`, by name. */
export type AgentQueues<Agents extends readonly AnyAgentDefinition[]> = {
  [A in Agents[number] as A['name']]: AgentQueue<A>;
};

/** Every queue that has a worker when `agents` are the analysis agents, by name, in catalog order. */
export function taskQueueCatalog<const Agents extends readonly AnyAgentDefinition[]>(agents: Agents) {
  const agentQueues: Record<string, AnyQueueDefinition> = {};
  for (const agent of agents) agentQueues[agent.name] = agentQueueOf(agent);
  return {
    'market-data': marketDataQueue,
    ...(agentQueues as AgentQueues<Agents>),
    decision: decisionQueue,
    portfolio: portfolioQueue,
    risk: riskQueue,
    execution: executionQueue,
    reconcile: reconcileQueue,
  };
}

/** Every queue that has a worker, by name: the system's tasks and the registered agents. */
export const queueCatalog = taskQueueCatalog(agentRegistry) satisfies Record<CatalogQueueName, unknown>;
export { catalogQueueNames, type CatalogQueueName };
