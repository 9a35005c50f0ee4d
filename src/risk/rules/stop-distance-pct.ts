import { Decimal } from '../../model/decimal.ts';
import type { OrderProposal } from '../order-proposal.ts';

/**
 * Distance of the stop-loss from `price` (the market price the order is sized at), % of that
 * price, positive when the stop is on the protective side (below a buy, above a sell), zero or
 * negative otherwise; undefined without a stop or without a positive price.
 */
export function stopDistancePct(proposal: OrderProposal, price: Decimal): Decimal | undefined {
  if (proposal.stopLoss === null || price.lte(0)) return undefined;
  const gap = proposal.side === 'buy' ? price.minus(proposal.stopLoss) : new Decimal(proposal.stopLoss).minus(price);
  return gap.div(price).times(100);
}
