import type { RiskRule } from './risk-rule.ts';

/**
 * Denies an entry into a symbol without an open position when `maxOpenPositions` positions
 * are already open (open count ≥ max denies; max − 1 passes). Adding to a symbol's position
 * does not open another one, nor does a rebalance's buy (the core allocation is no position).
 */
export const maxOpenPositionsRule: RiskRule = ({ proposal, context, config, position, reducesExposure }) => {
  if (reducesExposure || position !== undefined || proposal.purpose === 'rebalance') return undefined;
  const open = context.openPositions.length;
  return open >= config.maxOpenPositions
    ? {
        deny: {
          rule: 'max_open_positions',
          message: `${open} positions are open, the maximum is ${config.maxOpenPositions}; no new position in ${proposal.symbol}`,
        },
      }
    : undefined;
};
