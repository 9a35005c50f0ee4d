import { Decimal } from '../../model/decimal.ts';
import type { RiskConfig } from '../../config/sections/risk-config.ts';
import type { OrderProposal } from '../order-proposal.ts';
import type { OpenPosition, RiskContext } from '../risk-context.ts';
import type { RuleInput } from './risk-rule.ts';

/**
 * Derives, once, what every rule needs from parsed input. `notionalUsd` is the requested
 * notional, equity × sizePct / 100 × leverage, in decimal arithmetic (the proposal's own
 * `notionalUsd` when it names one; an exit naming `exitPct` asks for that share of the
 * position's quantity, its notional at the market price); `entryPrice` is the
 * market price (`context.marketPrice`), which sizes the order whatever price the proposal
 * carries (a job added by hand at "1" while the market trades at 2720 sizes nothing from "1").
 */
export function buildRuleInput(proposal: OrderProposal, context: RiskContext, config: RiskConfig): RuleInput {
  const equityUsd = new Decimal(context.equityUsd);
  const entryPrice = new Decimal(context.marketPrice);
  const position = context.openPositions.find((p) => p.symbol === proposal.symbol);
  const opposite = position !== undefined && position.side !== (proposal.side === 'buy' ? 'long' : 'short');
  const named = namedQuantity(proposal, opposite ? position : undefined, entryPrice);
  const notionalUsd =
    named !== undefined
      ? named.times(Decimal.max(0, entryPrice))
      : proposal.notionalUsd !== undefined
        ? new Decimal(proposal.notionalUsd)
        : equityUsd.times(proposal.sizePct).div(100).times(proposal.leverage);
  const reducesExposure = proposal.intent === 'exit' || (opposite && notionalUsd.lte(position.notionalUsd));
  return {
    proposal,
    context,
    config,
    equityUsd,
    entryPrice,
    proposalPrice: new Decimal(proposal.entryPrice),
    notionalUsd,
    quantity: named ?? (entryPrice.gt(0) ? notionalUsd.div(entryPrice) : new Decimal(0)),
    position,
    exitsPosition: proposal.intent === 'exit' && proposal.purpose !== 'rebalance',
    exitableQuantity: opposite ? exitableQuantityOf(position, entryPrice) : new Decimal(0),
    reducesExposure,
  };
}

/**
 * The quantity of an exit that names its share of the position (`exitPct`): that share of what
 * is held (its quantity, else its notional at `price`); zero without a position to exit (the
 * exit rule denies it). Undefined for every other proposal.
 */
function namedQuantity(
  proposal: OrderProposal,
  position: OpenPosition | undefined,
  price: Decimal,
): Decimal | undefined {
  if (proposal.exitPct === undefined || proposal.intent !== 'exit') return undefined;
  if (position === undefined) return new Decimal(0);
  const held =
    position.quantity !== undefined
      ? new Decimal(position.quantity)
      : price.gt(0)
        ? new Decimal(position.notionalUsd).div(price)
        : new Decimal(0);
  return held.times(proposal.exitPct).div(100);
}

/**
 * What an exit may still take of `position`: its quantity (else its notional at `price`) less
 * the exits already in flight, never below zero.
 */
function exitableQuantityOf(position: OpenPosition, price: Decimal): Decimal {
  const held =
    position.quantity !== undefined
      ? new Decimal(position.quantity)
      : price.gt(0)
        ? new Decimal(position.notionalUsd).div(price)
        : new Decimal(0);
  return Decimal.max(0, held.minus(position.pendingExitQuantity ?? '0'));
}
