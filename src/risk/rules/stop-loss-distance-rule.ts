import { formatDecimal } from '../format-decimal.ts';
import type { RiskRule } from './risk-rule.ts';
import { stopDistancePct } from './stop-distance-pct.ts';

/**
 * Denies an entry whose stop-loss is on the wrong side (not below a buy's market price, not
 * above a sell's), or whose distance from the market price (what the order is sized and
 * filled at, not the proposal's own price), % of it, is below
 * `stopLoss.minDistancePct` or above `stopLoss.maxDistancePct`. Both bounds are inclusive:
 * exactly min or max passes. An entry without a stop is left to {@link stopLossRequiredRule};
 * a rebalance (`purpose: 'rebalance'`) is exempt, as there.
 */
export const stopLossDistanceRule: RiskRule = ({ proposal, config, entryPrice, reducesExposure }) => {
  if (reducesExposure || proposal.purpose === 'rebalance') return undefined;
  const distance = stopDistancePct(proposal, entryPrice);
  if (distance === undefined) return undefined;
  const { minDistancePct, maxDistancePct } = config.stopLoss;
  const where = `stop-loss ${proposal.stopLoss} of a ${proposal.side} at ${entryPrice.toFixed()}`;
  if (distance.lte(0))
    return { deny: { rule: 'stop_loss_distance', message: `${where} is on the wrong side of the entry` } };
  if (distance.lt(minDistancePct))
    return {
      deny: {
        rule: 'stop_loss_distance',
        message: `${where} is ${formatDecimal(distance)}% away, closer than the minimum ${minDistancePct}%`,
      },
    };
  if (distance.gt(maxDistancePct))
    return {
      deny: {
        rule: 'stop_loss_distance',
        message: `${where} is ${formatDecimal(distance)}% away, farther than the maximum ${maxDistancePct}%`,
      },
    };
  return undefined;
};
