import { enterSubmission } from '../../control/submission-fence.ts';
import type { OrderSubmitter } from '../../execution/order-submitter.ts';
import type { JobHandlers } from '../../queues/define-queue.ts';
import { executionQueue } from '../../queues/queue-catalog.ts';
import { loadRiskDecision } from '../../risk/load-risk-decision.ts';
import { OrderProposal } from '../../risk/order-proposal.ts';
import { TriplegainError } from '../../shared/triplegain-error.ts';
import type { TaskDeps } from '../task-deps.ts';

/** The client order id of a proposal's order: stable, so a retry can never make a second order. */
export function clientOrderIdOf(proposalId: string): string {
  return `tg-${proposalId}`;
}

/**
 * The execution task: submits the order an approval names, and nothing else. Before anything
 * leaves, the stored approval must exist and name the job's proposal, and the trading state is
 * checked in the same Redis step that registers the submission as in flight
 * (`enterSubmission`): PAUSED refuses entries, HALTED refuses everything, and `halt` waits for
 * admitted submissions to finish. A refused order is not submitted later: it completes as
 * `refused`, with the state that refused it.
 */
export function executionHandlers(deps: Pick<TaskDeps, 'db' | 'redis' | 'keys' | 'config' | 'logger'>, submitter: OrderSubmitter): JobHandlers<typeof executionQueue> {
  const ttlMs = executionQueue.timeoutMs(deps.config);
  return {
    async submit(data, ctx) {
      const approval = await loadRiskDecision(deps.db, data.decisionId);
      if (!approval || approval.decision !== 'approved' || approval.proposalId !== data.proposalId || approval.quantity === null) {
        throw new TriplegainError('NOT_FOUND', `no stored approval ${data.decisionId} for proposal ${data.proposalId}: nothing submitted`, { ...data });
      }
      const proposal = OrderProposal.parse(approval.proposal);
      const clientOrderId = clientOrderIdOf(proposal.proposalId);
      const permit = await enterSubmission(deps, { submissionId: clientOrderId, intent: proposal.intent, ttlMs });
      if (!permit.admitted) {
        ctx.logger.warn({ clientOrderId, state: permit.state }, 'order not submitted: trading state refuses it');
        return { status: 'refused' as const, clientOrderId, state: permit.state };
      }
      try {
        const { exchangeOrderId } = await submitter.submit(
          {
            clientOrderId,
            symbol: proposal.symbol,
            side: proposal.side,
            intent: proposal.intent,
            quantity: approval.quantity,
            price: proposal.entryPrice,
            leverage: proposal.leverage,
            stopLoss: proposal.stopLoss,
            takeProfit: proposal.takeProfit,
          },
          ctx.signal,
        );
        return { status: 'submitted' as const, clientOrderId, exchangeOrderId };
      } finally {
        await permit.leave();
      }
    },
  };
}
