import { namesOf } from '../agents/contracts/agent-contract-parts.ts';
import { agentContracts } from '../agents/contracts/agent-contracts.ts';

/**
 * The queues of the analysis agents: their names, from their contracts, in the order of
 * `agentRegistry` (checked there). The contracts hold schemas but no run, so the command line
 * names the queues without loading an agent.
 */
export const agentQueueNames = namesOf(agentContracts);
export type AgentQueueName = (typeof agentQueueNames)[number];

/**
 * The names of the queues in `queueCatalog`, in catalog order: exactly its keys (the catalog is
 * checked against this list where it is defined). Free of BullMQ, so the CLI can name the
 * queues without loading the catalog.
 */
export const catalogQueueNames = [
  'market-data',
  ...agentQueueNames,
  'decision',
  'portfolio',
  'risk',
  'execution',
  'reconcile',
] as const;
export type CatalogQueueName = (typeof catalogQueueNames)[number];
