import type { Queue } from 'bullmq';
import type { ExchangePort } from '../../exchange/exchange-port.ts';
import { reconcileOrders } from '../../execution/reconcile-orders.ts';
import { recordOrphanedApprovals } from '../../execution/record-orphaned-approvals.ts';
import type { JobHandlers } from '../../queues/define-queue.ts';
import type { reconcileQueue } from '../../queues/queue-catalog.ts';
import type { TaskDeps } from '../task-deps.ts';

/**
 * The reconciliation task: our orders against the exchange (`reconcileOrders`), then the
 * approvals that never became an order (`recordOrphanedApprovals`).
 */
export function reconcileHandlers(deps: Pick<TaskDeps, 'db' | 'config' | 'clock' | 'logger'> & { exchange: ExchangePort; executionQueue: Queue }): JobHandlers<typeof reconcileQueue> {
  return {
    async run() {
      const report = await reconcileOrders({ db: deps.db, exchange: deps.exchange, clock: deps.clock, logger: deps.logger });
      const orphaned = await recordOrphanedApprovals(
        { db: deps.db, exchange: deps.exchange, executionQueue: deps.executionQueue, clock: deps.clock, logger: deps.logger },
        { orphanApprovalMs: deps.config.execution.orphanApprovalMs },
      );
      return { ...report, orphaned };
    },
  };
}
