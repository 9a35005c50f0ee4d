import type { Queue } from 'bullmq';
import type { Db } from '../db/open-database.ts';
import type { RiskDecisionRow } from '../db/schema/risk-decisions.ts';
import type { OrderRow } from '../db/schema/orders.ts';
import { loadOrder } from '../orders/order-reads.ts';
import { EvaluateRiskResult, SubmitOrderResult } from '../queues/queue-catalog.ts';
import { riskJobIdOf } from '../queues/risk-jobs.ts';
import { OrderProposal } from '../risk/order-proposal.ts';
import { riskDecisionOfProposal } from '../risk/risk-decision-of-proposal.ts';
import { awaitJob } from './await-job.ts';
import { TradeRisk, type TradeOrder, type TradeOutcome } from './trade-outcome.ts';

export interface FollowedProposal {
  action: 'open' | 'close';
  proposal: OrderProposal;
  requestId: string;
  requestedBy: string;
  /** Wall time (epoch ms) the wait ends at. */
  deadlineMs: number;
}

/**
 * Follows an operator's proposal already in the risk queue: waits (until `deadlineMs`) for its
 * risk job, reads the stored decision, and for an approval waits for the execution job and
 * reads the order it recorded. Reads only; answers with where the request stands.
 */
export async function followProposal(
  deps: { db: Db; riskQueue: Queue; executionQueue: Queue },
  f: FollowedProposal,
): Promise<TradeOutcome> {
  const riskJobId = riskJobIdOf(f.proposal.proposalId);
  const base = {
    action: f.action,
    requestedBy: f.requestedBy,
    requestId: f.requestId,
    symbol: f.proposal.symbol,
    proposalId: f.proposal.proposalId,
    cancel: null,
  };
  const what = `${f.action === 'open' ? 'buy' : `close (${f.proposal.exitPct ?? 100} %)`} ${f.proposal.symbol}`;

  const decided = await awaitJob(deps.riskQueue, riskJobId, f.deadlineMs);
  if (decided.state === 'waiting') {
    const paused = (await deps.riskQueue.isPaused()) ? ', the risk queue is paused' : '';
    return {
      ...base,
      status: 'pending',
      summary: `${what} proposed as ${f.proposal.proposalId}; no risk decision within the wait (job ${decided.jobState}${paused}): \`triplegain explain ${f.proposal.proposalId}\` shows it later`,
      proposal: f.proposal,
      risk: null,
      order: null,
      waitingFor: { step: 'risk', jobId: riskJobId, jobState: decided.jobState },
    };
  }
  if (decided.state === 'failed')
    return {
      ...base,
      status: 'failed',
      summary: `${what}: the risk job failed: ${decided.failedReason}`,
      proposal: f.proposal,
      risk: null,
      order: null,
      waitingFor: null,
    };

  const result = EvaluateRiskResult.parse(decided.returnvalue);
  const row = await riskDecisionOfProposal(deps.db, f.proposal.proposalId);
  // The stored proposal is the one decided (a request id sent again names the first one).
  const proposal = row ? OrderProposal.parse(row.proposal) : f.proposal;
  const risk = row ? toTradeRisk(row) : unstoredDenial(result);
  const withRisk = { ...base, proposal, risk };
  if (result.decision === 'denied' || !result.executionJobId) {
    return {
      ...withRisk,
      status: 'denied',
      summary: `${what} denied by risk: ${risk.reasons.map((r) => `${r.rule}: ${r.message}`).join('; ')}`,
      order: null,
      waitingFor: null,
    };
  }

  const approved = `${what} approved for ${risk.quantity ?? '?'} (notional ${risk.notionalUsd ?? '?'} USD)`;
  const executed = await awaitJob(deps.executionQueue, result.executionJobId, f.deadlineMs);
  if (executed.state === 'waiting') {
    const paused = (await deps.executionQueue.isPaused()) ? ', the execution queue is paused' : '';
    return {
      ...withRisk,
      status: 'pending',
      summary: `${approved}; the order was not sent within the wait (job ${executed.jobState}${paused})`,
      order: null,
      waitingFor: { step: 'execution', jobId: result.executionJobId, jobState: executed.jobState },
    };
  }
  if (executed.state === 'failed')
    return {
      ...withRisk,
      status: 'failed',
      summary: `${approved}; execution failed: ${executed.failedReason}`,
      order: null,
      waitingFor: null,
    };

  const submitted = SubmitOrderResult.parse(executed.returnvalue);
  const orderRow = await loadOrder(deps.db, submitted.clientOrderId);
  const order = orderRow ? toTradeOrder(orderRow) : null;
  const orderText = order
    ? `order ${order.clientOrderId} ${order.status}${order.exchangeOrderId ? ` (exchange id ${order.exchangeOrderId})` : ''}, filled ${order.filledQuantity} of ${order.quantity}${order.avgFillPrice ? ` at ${order.avgFillPrice}` : ''}`
    : `order ${submitted.clientOrderId} ${submitted.orderStatus}`;
  switch (submitted.status) {
    case 'submitted':
    case 'already':
    case 'unknown':
      return {
        ...withRisk,
        status: 'placed',
        summary: `${approved}; ${orderText}${submitted.status === 'unknown' ? ': the exchange did not answer, reconciliation finds it by its client id' : ''}`,
        order,
        waitingFor: null,
      };
    case 'rejected':
      return {
        ...withRisk,
        status: 'rejected',
        summary: `${approved}; the exchange rejected it: ${orderText}`,
        order,
        waitingFor: null,
      };
    case 'refused':
      return {
        ...withRisk,
        status: 'refused',
        summary: `${approved}; not sent: ${orderText}`,
        order,
        waitingFor: null,
      };
  }
}

function toTradeRisk(row: RiskDecisionRow): TradeRisk {
  // Parsed, not cast: a stored row that no longer fits says which field.
  return TradeRisk.parse({
    decision: row.decision,
    decisionId: row.decisionId,
    notionalUsd: row.notionalUsd,
    quantity: row.quantity,
    reasons: row.reasons,
    adjustments: row.adjustments,
  });
}

/** A denial the risk engine could not store (its state was unreadable): it published it, with this reason. */
function unstoredDenial(result: EvaluateRiskResult): TradeRisk {
  return {
    decision: result.decision,
    decisionId: result.decisionId,
    notionalUsd: null,
    quantity: null,
    reasons:
      result.decision === 'denied'
        ? [
            {
              rule: 'risk_state',
              message: 'the risk state could not be read: denied rather than guessed (see the worker log)',
            },
          ]
        : [],
    adjustments: [],
  };
}

function toTradeOrder(o: OrderRow): TradeOrder {
  return {
    clientOrderId: o.clientOrderId,
    exchangeOrderId: o.exchangeOrderId,
    side: o.side,
    type: o.type,
    status: o.status,
    quantity: o.quantity,
    filledQuantity: o.filledQuantity,
    avgFillPrice: o.avgFillPrice,
    reduceOnly: o.reduceOnly,
  };
}
