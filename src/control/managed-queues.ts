import { agentQueueNames } from '../queues/catalog-queue-names.ts';
import type { QueueName } from '../queues/queue-names.ts';
import type { CoordinatorState } from '../model/coordinator-state.ts';

/** Queues whose work leads to new entries: the agents, the decision panel and rebalancing. */
const ENTRY_QUEUES: readonly QueueName[] = [...agentQueueNames, 'decision', 'portfolio'];
/** Everything that can lead to an order being submitted. */
const ORDER_QUEUES: readonly QueueName[] = [...ENTRY_QUEUES, 'risk', 'execution'];

/**
 * The queues the control plane pauses and resumes. `market-data` (prices for protective exits) and
 * `reconcile` are never paused, nor the positions service (stop-loss / take-profit monitoring,
 * a bus consumer rather than a queue).
 */
export const managedQueues: readonly QueueName[] = ORDER_QUEUES;

/**
 * Which managed queues are paused in a state. PAUSED stops new entries at their source while
 * risk and execution keep serving exits and protective orders; HALTED stops everything that
 * can lead to an order (BullMQ's pause is stored in Redis, so replicas started later obey it).
 */
export function queuesPausedIn(state: CoordinatorState): readonly QueueName[] {
  switch (state) {
    case 'RUNNING':
      return [];
    case 'PAUSED':
      return ENTRY_QUEUES;
    case 'HALTED':
      return ORDER_QUEUES;
  }
}
