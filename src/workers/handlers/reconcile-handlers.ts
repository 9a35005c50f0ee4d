import type { Queue } from 'bullmq';
import { protectionPendingReasons } from '../../control/protection-pending.ts';
import type { ExchangePort } from '../../exchange/exchange-port.ts';
import { reconcileOrders } from '../../execution/reconcile-orders.ts';
import { recordOrphanedApprovals } from '../../execution/record-orphaned-approvals.ts';
import { reprotectPositions } from '../../execution/reprotect-positions.ts';
import type { JobHandlers } from '../../queues/define-queue.ts';
import type { reconcileQueue } from '../../queues/queue-catalog.ts';
import type { TaskDeps } from '../task-deps.ts';

/**
 * The reconciliation task: our orders against the exchange (`reconcileOrders`), then the
 * approvals that never became an order (`recordOrphanedApprovals`). While open positions may
 * lack their stops (a protection-pending reason is marked: a re-protection failed or did not
 * finish), the pass is a re-protection instead (`reprotectPositions`: reconcile, then every
 * stop), which admits entries again once it completes.
 */
export function reconcileHandlers(deps: Pick<TaskDeps, 'db' | 'config' | 'clock' | 'logger' | 'redis' | 'keys' | 'instruments'> & { exchange: ExchangePort; executionQueue: Queue }): JobHandlers<typeof reconcileQueue> {
  return {
    async run() {
      const pending = await protectionPendingReasons(deps.redis, deps.keys);
      const report = pending.length > 0 ? (await reprotectPositions(deps, 'reconcile-retry')).reconciled : await reconcileOrders({ db: deps.db, exchange: deps.exchange, clock: deps.clock, logger: deps.logger });
      const orphaned = await recordOrphanedApprovals(
        { db: deps.db, exchange: deps.exchange, executionQueue: deps.executionQueue, clock: deps.clock, logger: deps.logger },
        { orphanApprovalMs: deps.config.execution.orphanApprovalMs },
      );
      return { ...report, orphaned };
    },
  };
}
