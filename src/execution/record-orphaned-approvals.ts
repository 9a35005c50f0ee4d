import type { Queue } from 'bullmq';
import { and, asc, eq, isNotNull, sql } from 'drizzle-orm';
import type { AlertSink } from '../alerts/alert-raiser.ts';
import { recordedEventAlerts } from '../alerts/recorded-event-alerts.ts';
import { appendSystemEvent } from '../db/append-system-event.ts';
import type { Db } from '../db/open-database.ts';
import { orders } from '../db/schema/orders.ts';
import { riskDecisions } from '../db/schema/risk-decisions.ts';
import type { ExchangeName } from '../model/exchange-name.ts';
import { executionJobIdOf } from '../queues/execution-job-id.ts';
import type { Logger } from '../shared/logger.ts';
import { describeError } from '../shared/triplegain-error.ts';
import { recordUnexecutedApproval } from './record-unexecuted-approval.ts';

/** States of an execution job that will still run: its approval is not orphaned (yet). */
const STILL_COMING = new Set(['waiting', 'active', 'delayed', 'prioritized', 'waiting-children', 'paused']);
/** Approvals looked at per pass, oldest first; the next pass takes the rest. */
const BATCH = 100;
/** Approvals older than this are not looked at: a pass runs every few seconds, so none is missed. */
const HORIZON_MS = 7 * 86_400_000;

export interface OrphanedApproval {
  decisionId: string;
  clientOrderId: string;
  /** The execution job's state when it was found: `failed`, `completed`, `unknown` (gone). */
  jobState: string;
}

export interface RecordOrphanedApprovalsDeps {
  db: Db;
  exchange: { name: ExchangeName };
  executionQueue: Pick<Queue, 'getJobState'>;
  clock: { now(): number };
  logger: Logger;
  /** Told of every orphaned approval recorded. */
  alerts?: AlertSink;
}

/**
 * Finds approvals that have no order `orphanApprovalMs` (wall time, the database's clock)
 * after they were stored and whose execution job will not run any more (it failed for good,
 * or is gone: Redis lost it), and records each one's reason: its order `denied` (which
 * releases what it reserved and claims its client order id) and an
 * `execution.approval_orphaned` system event. An approval whose job is still waiting,
 * delayed or running is left to it. So an approval always ends as an order or a recorded
 * reason why not.
 */
export async function recordOrphanedApprovals(
  deps: RecordOrphanedApprovalsDeps,
  options: { orphanApprovalMs: number },
): Promise<OrphanedApproval[]> {
  const candidates = await deps.db
    .select({
      approval: riskDecisions,
      ageMs: sql<string>`floor(extract(epoch FROM (clock_timestamp() - ${riskDecisions.createdAt})) * 1000)::bigint::text`,
    })
    .from(riskDecisions)
    .where(
      and(
        eq(riskDecisions.decision, 'approved'),
        isNotNull(riskDecisions.quantity),
        sql`${riskDecisions.createdAt} < clock_timestamp() - ${`${options.orphanApprovalMs} milliseconds`}::interval`,
        sql`${riskDecisions.createdAt} > clock_timestamp() - ${`${HORIZON_MS} milliseconds`}::interval`,
        sql`NOT EXISTS (SELECT 1 FROM ${orders} WHERE ${orders.decisionId} = ${riskDecisions.decisionId})`,
      ),
    )
    .orderBy(asc(riskDecisions.createdAt))
    .limit(BATCH);

  const recorded: OrphanedApproval[] = [];
  for (const { approval, ageMs } of candidates) {
    const jobState = await deps.executionQueue.getJobState(executionJobIdOf(approval.proposalId));
    if (STILL_COMING.has(jobState)) continue;
    const reason = `not sent: no order ${ageMs} ms after the approval, and its execution job is ${jobState === 'unknown' ? 'gone' : jobState}`;
    try {
      const order = await recordUnexecutedApproval(deps.db, {
        approval: { ...approval, quantity: approval.quantity! },
        exchange: deps.exchange.name,
        reason,
        atMs: deps.clock.now(),
      });
      const row = await appendSystemEvent(deps.db, {
        type: 'execution.approval_orphaned',
        severity: 'warning',
        source: 'reconcile',
        correlationId: approval.correlationId,
        message: `approval ${approval.decisionId} (${approval.symbol}) never became an order: ${reason}`,
        details: {
          decisionId: approval.decisionId,
          proposalId: approval.proposalId,
          clientOrderId: order.clientOrderId,
          orderStatus: order.status,
          jobState,
          ageMs: Number(ageMs),
        },
      });
      deps.logger.warn(
        { decisionId: approval.decisionId, clientOrderId: order.clientOrderId, jobState, orderStatus: order.status },
        'orphaned approval recorded',
      );
      await deps.alerts?.report(recordedEventAlerts.approvalOrphaned(row, approval.symbol));
      recorded.push({ decisionId: approval.decisionId, clientOrderId: order.clientOrderId, jobState });
    } catch (err) {
      // An execution job that started meanwhile wrote the row its way: it is no orphan.
      deps.logger.warn(
        { decisionId: approval.decisionId, err: describeError(err) },
        'orphaned approval not recorded; tried again next pass',
      );
    }
  }
  return recorded;
}
