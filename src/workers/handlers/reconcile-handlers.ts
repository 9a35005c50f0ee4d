import type { Queue } from 'bullmq';
import { protectionPendingReasons } from '../../control/protection-pending.ts';
import type { ExchangePort } from '../../exchange/exchange-port.ts';
import { inFlightDecidableInMs, reconcileOrders } from '../../execution/reconcile-orders.ts';
import { recordOrphanedApprovals } from '../../execution/record-orphaned-approvals.ts';
import { reprotectPositions } from '../../execution/reprotect-positions.ts';
import { syncProtectiveStop } from '../../execution/sync-protective-stop.ts';
import { loadOrder } from '../../orders/order-reads.ts';
import { takeInFills } from '../../positions/take-in-fills.ts';
import { describeError } from '../../shared/triplegain-error.ts';
import { jobOptionsOf, type JobHandlers } from '../../queues/define-queue.ts';
import { reconcileQueue } from '../../queues/queue-catalog.ts';
import type { TaskDeps } from '../task-deps.ts';

/**
 * The reconciliation task: our orders against the exchange (`reconcileOrders`), then the
 * approvals that never became an order (`recordOrphanedApprovals`). While open positions may
 * lack their stops (a protection-pending reason is marked: a re-protection failed or did not
 * finish), the pass is a re-protection instead (`reprotectPositions`: reconcile, then every
 * stop), which admits entries again once it completes. Otherwise, when the pass changed an
 * order (a fill or cancel learnt, an order found never to have arrived: a stop whose outcome
 * was unknown, say), the fills are taken into their positions and the stop of each pair
 * touched is made to match at once (`syncProtectiveStop`), not at the pair's next bar. When an
 * order in flight is not on the exchange yet but cannot be judged missing for a few seconds
 * more, one pass is added for that moment (`follow-up`, deduplicated by its time).
 */
export function reconcileHandlers(
  deps: Pick<TaskDeps, 'db' | 'config' | 'clock' | 'logger' | 'redis' | 'keys' | 'instruments' | 'alerts'> & {
    exchange: ExchangePort;
    executionQueue: Queue;
    reconcileQueue: Queue;
  },
): JobHandlers<typeof reconcileQueue> {
  return {
    async run(_data, ctx) {
      const pending = await protectionPendingReasons(deps.redis, deps.keys);
      const report =
        pending.length > 0
          ? (await reprotectPositions(deps, 'reconcile-retry')).reconciled
          : await reconcileOrders(
              { db: deps.db, exchange: deps.exchange, clock: deps.clock, logger: deps.logger },
              { signal: ctx.signal },
            );
      const touched = [...report.synced, ...report.notFound];
      if (pending.length === 0) await resyncTouchedStops(deps, touched, ctx.signal);
      // Read again after the stops were synced: a stop placed just now may itself be in flight.
      const decidableInMs = touched.length > 0 ? await inFlightDecidableInMs(deps) : report.decidableInMs;
      if (decidableInMs !== null && decidableInMs > 0) {
        const jobId = await addFollowUp(deps.reconcileQueue, decidableInMs);
        ctx.logger.info(
          { jobId, inMs: Math.ceil(decidableInMs) },
          'reconciliation follow-up added: an order in flight can be judged then',
        );
      }
      const orphaned = await recordOrphanedApprovals(
        {
          db: deps.db,
          exchange: deps.exchange,
          executionQueue: deps.executionQueue,
          clock: deps.clock,
          logger: deps.logger,
          alerts: deps.alerts,
        },
        { orphanApprovalMs: deps.config.execution.orphanApprovalMs },
      );
      return { ...report, orphaned };
    },
  };
}

/** The fills learnt taken in, then the stop of every pair whose orders changed made to match; a failure is logged (the pair's next bar tries again). */
async function resyncTouchedStops(
  deps: Parameters<typeof reconcileHandlers>[0],
  clientOrderIds: readonly string[],
  signal: AbortSignal | undefined,
): Promise<void> {
  if (clientOrderIds.length === 0) return;
  const symbols = new Set<string>();
  for (const id of clientOrderIds) {
    const order = await loadOrder(deps.db, id);
    if (order) symbols.add(order.symbol);
  }
  signal?.throwIfAborted();
  for (const symbol of await takeInFills(deps)) symbols.add(symbol);
  for (const symbol of symbols) {
    signal?.throwIfAborted();
    await syncProtectiveStop(deps, symbol).catch((err: unknown) =>
      deps.logger.warn(
        { symbol, err: describeError(err) },
        'stop not synced after reconciliation: the next bar tries again',
      ),
    );
  }
}

/** Slack past the moment an order becomes decidable: the pass must not come a hair early (wall time). */
const FOLLOW_UP_SLACK_MS = 500;

/** One delayed pass for when the first order in flight can be judged; passes asked for the same second are one job. */
async function addFollowUp(queue: Queue, decidableInMs: number): Promise<string> {
  const delayMs = Math.max(0, Math.ceil(decidableInMs)) + FOLLOW_UP_SLACK_MS;
  const jobId = `follow-up-${Math.ceil((Date.now() + delayMs) / 1_000)}`;
  await queue.add('run', { reason: 'follow-up' }, { ...jobOptionsOf(reconcileQueue), jobId, delay: delayMs });
  return jobId;
}
