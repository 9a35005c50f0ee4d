import { formatDecimal } from '../format-decimal.ts';
import type { RiskRule } from './risk-rule.ts';

/**
 * Sizing for exits. Denies an `exit` without an open position it can reduce (a sell needs a
 * long, a buy a short): it would open a new one. Caps an exit larger than the position to the
 * position's notional (exactly the position's notional is untouched), so an exit never flips.
 * A rebalance's sell is not a position's exit: it sells the core allocation, which no
 * position tracks and which the rebalance fitted it to (`fitLegToAccount`, `coreHoldings`).
 */
export const exitWithinPositionRule: RiskRule = ({ proposal, notionalUsd, position }) => {
  if (proposal.intent !== 'exit' || proposal.purpose === 'rebalance') return undefined;
  const exits = proposal.side === 'sell' ? 'long' : 'short';
  if (position === undefined || position.side !== exits) {
    return { deny: { rule: 'exit_within_position', message: `no ${exits} position in ${proposal.symbol} for a ${proposal.side} exit` } };
  }
  if (notionalUsd.lte(position.notionalUsd)) return undefined;
  return {
    cap: {
      notionalUsd: position.notionalUsd,
      reason: { rule: 'exit_within_position', message: `an exit is limited to the ${exits} position's notional ${position.notionalUsd} (requested ${formatDecimal(notionalUsd)})` },
    },
  };
};
