import { Decimal } from 'decimal.js';
import type { RiskConfig } from '../../config/sections/risk-config.ts';
import type { OrderProposal } from '../order-proposal.ts';
import type { RiskContext } from '../risk-context.ts';
import type { RuleInput } from './risk-rule.ts';

/**
 * Derives, once, what every rule needs from parsed input. `notionalUsd` is the requested
 * notional, equity × sizePct / 100 × leverage, in decimal arithmetic.
 */
export function buildRuleInput(proposal: OrderProposal, context: RiskContext, config: RiskConfig): RuleInput {
  const equityUsd = new Decimal(context.equityUsd);
  const notionalUsd = equityUsd.times(proposal.sizePct).div(100).times(proposal.leverage);
  const position = context.openPositions.find((p) => p.symbol === proposal.symbol);
  const opposite = position !== undefined && position.side !== (proposal.side === 'buy' ? 'long' : 'short');
  const reducesExposure = proposal.intent === 'exit' || (opposite && notionalUsd.lte(position.notionalUsd));
  return { proposal, context, config, equityUsd, entryPrice: new Decimal(proposal.entryPrice), notionalUsd, position, reducesExposure };
}
