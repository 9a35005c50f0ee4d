import { clientOrderIdOf } from './client-order-id.ts';
import type { OrderPurpose } from './order-purpose.ts';
import type { ProposalIntent } from './proposal-intent.ts';

/** What names the order of an approval: its proposal. */
export interface ApprovedProposal {
  proposalId: string;
  intent: ProposalIntent;
  purpose?: 'entry' | 'exit' | 'take_profit' | 'rebalance' | 'flatten' | undefined;
}

/** The purpose of the order carrying out an approved proposal: its purpose, else its intent (an exit is never an `entry`). */
export function approvedOrderPurpose(p: ApprovedProposal): Exclude<OrderPurpose, 'stop_loss' | 'adopted'> {
  const purpose = p.purpose ?? p.intent;
  return p.intent === 'exit' && purpose === 'entry' ? 'exit' : purpose;
}

/** The client order id of the order carrying out an approved proposal: execution places it, its reservation names it. */
export function approvedClientOrderId(p: ApprovedProposal): string {
  return clientOrderIdOf(p.proposalId, approvedOrderPurpose(p));
}
