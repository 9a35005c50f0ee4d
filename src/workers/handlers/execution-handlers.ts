import { enterSubmission } from '../../control/submission-fence.ts';
import type { ExchangePort } from '../../exchange/exchange-port.ts';
import { clientOrderIdOf } from '../../orders/client-order-id.ts';
import { applyOrderEvent, createOrder, startSubmission, syncFromExchange } from '../../orders/order-store.ts';
import type { JobContext, JobHandlers } from '../../queues/define-queue.ts';
import { executionQueue, type SubmitOrderData, type SubmitOrderResult } from '../../queues/queue-catalog.ts';
import { loadRiskDecision } from '../../risk/load-risk-decision.ts';
import { OrderProposal } from '../../risk/order-proposal.ts';
import { describeError, TriplegainError } from '../../shared/triplegain-error.ts';
import type { TaskDeps } from '../task-deps.ts';

type ExecutionDeps = Pick<TaskDeps, 'db' | 'redis' | 'keys' | 'config' | 'logger' | 'clock'>;

/**
 * The execution task: places the order a stored approval names, once.
 *
 * 1. No stored approval naming the job's proposal → fails, nothing sent.
 * 2. The order row is written first (`created`, client id derived from the proposal); a job
 *    delivered twice finds it and sends nothing (`already`).
 * 3. The trading state is checked in the same Redis step that registers the submission as
 *    under way (`enterSubmission`): PAUSED refuses entries, HALTED everything (`refused`).
 * 4. `startSubmission` claims the row (one claimant), the exchange is called once: an answer
 *    records `accepted` (and any fills), a refusal `rejected`; no answer (timeout, 5xx,
 *    disconnect) leaves the order `unknown` for reconciliation, which finds it by client id.
 *    The create call is never repeated blindly.
 */
export function executionHandlers(deps: ExecutionDeps, exchange: ExchangePort): JobHandlers<typeof executionQueue> {
  return { submit: (data, ctx) => submit(deps, exchange, data, ctx) };
}

async function submit(deps: ExecutionDeps, exchange: ExchangePort, data: SubmitOrderData, ctx: JobContext): Promise<SubmitOrderResult> {
  const approval = await loadRiskDecision(deps.db, data.decisionId);
  if (!approval || approval.decision !== 'approved' || approval.proposalId !== data.proposalId || approval.quantity === null) {
    throw new TriplegainError('NOT_FOUND', `no stored approval ${data.decisionId} for proposal ${data.proposalId}: nothing submitted`, { ...data });
  }
  const proposal = OrderProposal.parse(approval.proposal);
  const purpose = proposal.purpose ?? proposal.intent;
  const clientOrderId = clientOrderIdOf(proposal.proposalId, purpose);
  const { order } = await createOrder(deps.db, {
    clientOrderId,
    decisionId: approval.decisionId,
    proposalId: proposal.proposalId,
    correlationId: proposal.correlationId,
    symbol: proposal.symbol,
    side: proposal.side,
    type: 'market',
    intent: proposal.intent,
    purpose,
    quantity: approval.quantity,
    leverage: proposal.leverage,
    reduceOnly: proposal.intent === 'exit',
    exchange: exchange.name,
    createdAtMs: deps.clock.now(),
  });
  const result = (status: SubmitOrderResult['status'], row: { exchangeOrderId: string | null; status: string }): SubmitOrderResult => ({ status, clientOrderId, exchangeOrderId: row.exchangeOrderId, orderStatus: row.status });
  if (order.status !== 'created') return result('already', order);

  const permit = await enterSubmission(deps, { submissionId: clientOrderId, intent: proposal.intent, ttlMs: executionQueue.timeoutMs(deps.config) });
  if (!permit.admitted) {
    const denied = await applyOrderEvent(deps.db, clientOrderId, { kind: 'denied', reason: `trading state ${permit.state}`, occurredAtMs: deps.clock.now() });
    ctx.logger.warn({ clientOrderId, state: permit.state }, 'order not submitted: trading state refuses it');
    return result('refused', denied.order);
  }
  try {
    const claim = await startSubmission(deps.db, clientOrderId, deps.clock.now());
    if (!claim.claimed) return result('already', claim.order);
    try {
      const placed = await exchange.placeOrder(
        { clientOrderId, symbol: proposal.symbol, side: proposal.side, type: 'market', quantity: approval.quantity, leverage: proposal.leverage, reduceOnly: proposal.intent === 'exit' },
        ctx.signal,
      );
      const synced = await syncFromExchange(deps.db, clientOrderId, placed, deps.clock.now());
      return result('submitted', synced.order);
    } catch (err) {
      if (err instanceof TriplegainError && err.code === 'EXCHANGE_REJECTED') {
        const rejected = await applyOrderEvent(deps.db, clientOrderId, { kind: 'rejected', reason: err.message, occurredAtMs: deps.clock.now() });
        return result('rejected', rejected.order);
      }
      // No answer: the order may exist. Reconciliation finds it by client id; never resend blindly.
      const unknown = await applyOrderEvent(deps.db, clientOrderId, { kind: 'outcome_unknown', reason: describeError(err), occurredAtMs: deps.clock.now() });
      ctx.logger.error({ clientOrderId, err: describeError(err) }, 'order outcome unknown: left for reconciliation');
      return result('unknown', unknown.order);
    }
  } finally {
    await permit.leave();
  }
}
