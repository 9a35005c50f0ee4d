import type { ExchangePort } from '../../exchange/exchange-port.ts';
import { placeOrderOnce } from '../../execution/place-order-once.ts';
import { clientOrderIdOf } from '../../orders/client-order-id.ts';
import type { JobContext, JobHandlers } from '../../queues/define-queue.ts';
import { executionQueue, type SubmitOrderData, type SubmitOrderResult } from '../../queues/queue-catalog.ts';
import { loadRiskDecision } from '../../risk/load-risk-decision.ts';
import { OrderProposal } from '../../risk/order-proposal.ts';
import { TriplegainError } from '../../shared/triplegain-error.ts';
import type { TaskDeps } from '../task-deps.ts';

type ExecutionDeps = Pick<TaskDeps, 'db' | 'redis' | 'keys' | 'config' | 'logger' | 'clock'>;

/**
 * The execution task: places the order a stored approval names, once (`placeOrderOnce`). A
 * job without a stored approval naming its proposal fails before anything is written or sent.
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
  const outcome = await placeOrderOnce(
    { ...deps, logger: ctx.logger },
    exchange,
    {
      clientOrderId: clientOrderIdOf(proposal.proposalId, purpose),
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
    },
    { fenceIntent: proposal.intent, ttlMs: executionQueue.timeoutMs(deps.config), signal: ctx.signal },
  );
  return { status: outcome.status, clientOrderId: outcome.order.clientOrderId, exchangeOrderId: outcome.order.exchangeOrderId, orderStatus: outcome.order.status };
}
