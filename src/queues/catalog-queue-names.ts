/**
 * The queues of the analysis agents, in the order of `agentRegistry` (checked there). A plain
 * list, like `catalogQueueNames`, so the command line can name them without loading an agent.
 */
export const agentQueueNames = ['ta', 'regime', 'sentiment'] as const;
export type AgentQueueName = (typeof agentQueueNames)[number];

/**
 * The names of the queues in `queueCatalog`, in catalog order: exactly its keys (the catalog is
 * checked against this list where it is defined). A plain list, free of zod and BullMQ, so the
 * CLI can name the queues without loading the catalog.
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
