/**
 * The names of the queues in `queueCatalog`, in catalog order: exactly its keys (the catalog is
 * checked against this list where it is defined). A plain list, free of zod and BullMQ, so the
 * CLI can name the queues without loading the catalog.
 */
export const catalogQueueNames = [
  'market-data',
  'ta',
  'regime',
  'sentiment',
  'decision',
  'portfolio',
  'risk',
  'execution',
  'reconcile',
] as const;
export type CatalogQueueName = (typeof catalogQueueNames)[number];
