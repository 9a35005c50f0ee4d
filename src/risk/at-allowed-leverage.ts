import type { Instrument } from '../market/instrument.ts';
import { allowedLeverage } from '../market/instrument-rules.ts';
import type { OrderProposal } from './order-proposal.ts';

/**
 * The proposal at the leverage its order will be sent with: snapped down to one the pair lists
 * for its side (`allowedLeverage`, the same snap the order path applies), so that risk sizes,
 * checks and reserves for what leaves. Unchanged without the pair's rules, or when no listed
 * leverage fits (the `leverage_not_allowed` rule then denies it). Pure; idempotent.
 */
export function atAllowedLeverage(proposal: OrderProposal, instrument: Instrument | undefined): OrderProposal {
  if (instrument === undefined) return proposal;
  const leverage = allowedLeverage(instrument, proposal.side, proposal.leverage);
  return leverage === null || leverage === proposal.leverage ? proposal : { ...proposal, leverage };
}
