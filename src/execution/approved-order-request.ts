import type { RiskDecisionRow } from '../db/schema/risk-decisions.ts';
import { approvedClientOrderId, approvedOrderPurpose } from '../model/approved-order.ts';
import type { NewOrderInput } from '../orders/new-order.ts';
import type { OrderProposal } from '../risk/order-proposal.ts';

/**
 * The market order that carries out an approval, as execution records it: named by the
 * proposal (`approvedClientOrderId`), sized by the approval. Anything but an entry or a
 * rebalance is reduce-only. The one definition execution sends and `recordUnexecutedApproval`
 * writes down, so both claim the same order.
 */
export function approvedOrderRequest(
  approval: Pick<RiskDecisionRow, 'decisionId'> & { quantity: string },
  proposal: OrderProposal,
): Omit<NewOrderInput, 'exchange' | 'createdAtMs'> {
  const purpose = approvedOrderPurpose(proposal);
  return {
    clientOrderId: approvedClientOrderId(proposal),
    decisionId: approval.decisionId,
    proposalId: proposal.proposalId,
    correlationId: proposal.correlationId,
    symbol: proposal.symbol,
    side: proposal.side,
    type: 'market',
    intent: proposal.intent,
    purpose,
    cause: 'approval',
    quantity: approval.quantity,
    leverage: proposal.leverage,
    reduceOnly: purpose !== 'entry' && purpose !== 'rebalance',
  };
}
