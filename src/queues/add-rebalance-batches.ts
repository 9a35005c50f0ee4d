import type { FlowProducer } from 'bullmq';
import { jobOptionsOf } from './define-queue.ts';
import { portfolioQueue } from './queue-catalog.ts';
import { rebalanceIds } from '../portfolio/rebalance-ids.ts';
import type { RebalanceLegData } from '../portfolio/rebalance-leg-job.ts';
import type { RebalanceBatch } from '../portfolio/split-into-batches.ts';

export interface RebalanceBatchesArgs {
  rebalanceId: string;
  correlationId: string;
  /** Market time of the tick that planned it: a batch's `notBeforeMs` is this plus its delay. */
  plannedAtMs: number;
  /** The wall time of a market-time delay, for BullMQ (`wallMsOf`); default: the same. */
  wallMsOf?: (marketMs: number) => number;
  batches: readonly RebalanceBatch[];
}

/**
 * Adds a planned rebalance to the `portfolio` queue: per batch one BullMQ flow, a `buys`
 * parent with a single `sells` child. BullMQ starts the parent only once the child has
 * completed, so a batch's buys are proposed only after its sells have settled (filled, or
 * ended otherwise); a failed `sells` (its orders did not settle in time) fails the `buys`
 * (`failParentOnFailure`), and nothing is bought on cash that was never raised. A batch
 * without sells still gets its (empty) `sells` child, so every batch waits the same way.
 *
 * The batch's delay (`batch.delayMs`, DCA, market time; BullMQ waits its wall time) is set on
 * the child: it waits in BullMQ's delayed set, stored in Redis, so it survives worker restarts and shows in Bull Board as delayed,
 * while its parent waits for it (`waiting-children`); the child's `notBeforeMs` holds it
 * until the market clock has moved on as far (see `portfolioHandlers`). Batches are independent flows: a later
 * batch starts at its own time, whatever became of an earlier one; each leg fits its trades
 * to the account when it runs (see `fitLegToAccount`).
 *
 * Job ids derive from the rebalance and the batch index: adding the same rebalance again (a
 * retried tick) adds nothing new.
 *
 * @returns the job id of each batch's `buys` parent, in batch order.
 */
export async function addRebalanceBatches(flows: FlowProducer, args: RebalanceBatchesArgs): Promise<string[]> {
  const parents: string[] = [];
  for (const batch of args.batches) {
    const leg = (trades: RebalanceBatch['sells']): RebalanceLegData => ({
      rebalanceId: args.rebalanceId,
      batchIndex: batch.index,
      correlationId: args.correlationId,
      trades,
    });
    const parentId = rebalanceIds.batchJob(args.rebalanceId, batch.index, 'buys');
    await flows.add({
      name: 'buys',
      queueName: portfolioQueue.name,
      data: leg(batch.buys),
      opts: { jobId: parentId, ...jobOptionsOf(portfolioQueue) },
      children: [
        {
          name: 'sells',
          queueName: portfolioQueue.name,
          data:
            batch.delayMs > 0
              ? { ...leg(batch.sells), notBeforeMs: args.plannedAtMs + batch.delayMs }
              : leg(batch.sells),
          opts: {
            jobId: rebalanceIds.batchJob(args.rebalanceId, batch.index, 'sells'),
            ...(batch.delayMs > 0 ? { delay: (args.wallMsOf ?? ((ms: number) => ms))(batch.delayMs) } : {}),
            failParentOnFailure: true,
            ...jobOptionsOf(portfolioQueue),
          },
        },
      ],
    });
    parents.push(parentId);
  }
  return parents;
}
