import { Decimal } from '../model/decimal.ts';
import { approvedClientOrderId } from '../model/approved-order.ts';
import type { OrderProposal } from '../risk/order-proposal.ts';
import type { RiskApproval } from '../risk/risk-decision.ts';
import type { Reservation } from './reserve-for-approval.ts';

export interface ApprovalReservationInput {
  decisionId: string;
  proposal: OrderProposal;
  approval: RiskApproval;
  /** `paper` or `kraken`. */
  account: string;
  /** The open position of the proposal's symbol (`positions.id`), if any. */
  positionId: number | null;
  /** `risk.cashReservePct`: the share of free cash the free-cash rule keeps back for the fee and slippage. */
  cashReservePct: number;
}

/**
 * What an approval holds until its order is done, or null when it holds nothing. Pure.
 *
 * - A spot buy (an entry at leverage 1, a rebalance's buy included) holds cash: its notional
 *   grossed up by `cashReservePct` (notional × 100 / (100 − pct), 8 decimals, rounded up), the
 *   same share the free-cash rule keeps back, so buys approved one after the other never
 *   spend together more than the free cash less its reserve.
 * - An exit of a position holds the quantity it takes, and the position's exit claim.
 * - Anything else holds nothing: a margin entry's collateral stays in the cash balance, a
 *   rebalance's sell sells the core allocation, which no position tracks.
 *
 * The client order id is the one the execution task gives the order (`approvedClientOrderId`:
 * `clientOrderIdOf(proposalId, purpose ?? intent)`).
 */
export function reservationOfApproval(input: ApprovalReservationInput): Reservation | null {
  const { proposal, approval } = input;
  const clientOrderId = approvedClientOrderId(proposal);
  const base = { decisionId: input.decisionId, clientOrderId, account: input.account, symbol: proposal.symbol };
  if (proposal.intent === 'entry' && proposal.side === 'buy' && proposal.leverage === 1) {
    const amount = new Decimal(approval.notionalUsd)
      .times(100)
      .div(new Decimal(100).minus(input.cashReservePct))
      .toDecimalPlaces(8, Decimal.ROUND_UP);
    return { ...base, kind: 'cash', amount: amount.toFixed(), positionId: null };
  }
  if (proposal.intent === 'exit' && proposal.purpose !== 'rebalance' && input.positionId !== null) {
    return { ...base, kind: 'exit', amount: approval.quantity, positionId: input.positionId };
  }
  return null;
}
