import { Decimal } from 'decimal.js';
import type { OrderProposal } from '../order-proposal.ts';

/**
 * Distance of the stop-loss from the entry, % of the entry price, positive when the stop is
 * on the protective side (below a buy, above a sell), zero or negative otherwise; undefined
 * without a stop.
 */
export function stopDistancePct(proposal: OrderProposal, entryPrice: Decimal): Decimal | undefined {
  if (proposal.stopLoss === null) return undefined;
  const gap = proposal.side === 'buy' ? entryPrice.minus(proposal.stopLoss) : new Decimal(proposal.stopLoss).minus(entryPrice);
  return gap.div(entryPrice).times(100);
}
