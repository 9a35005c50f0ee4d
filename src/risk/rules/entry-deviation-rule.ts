import { formatDecimal } from '../format-decimal.ts';
import type { RiskRule } from './risk-rule.ts';

/**
 * Denies a proposal whose own price is more than `maxEntryDeviationPct` % away from the
 * latest market price (|proposal − market| / market × 100; exactly the maximum passes),
 * wherever it came from: the bus, a rebalance, a job added by hand. The order is sized at the
 * market price anyway; a price this far off means the stop-loss and take profit set around it
 * are as wrong, and a rebalance's trade was fitted to a price that no longer holds.
 *
 * An exit of a position is exempt: it is sized by the position (never past what is left of
 * it), whatever price it carries, and must go through when the market has moved away from the
 * price the exit was decided at. A rebalance's sell is not such an exit and is checked.
 * Without a positive market price, `positive_market_price` denies.
 */
export const entryDeviationRule: RiskRule = ({ proposal, config, entryPrice, proposalPrice, exitsPosition }) => {
  if (exitsPosition || entryPrice.lte(0)) return undefined;
  const deviation = proposalPrice.minus(entryPrice).abs().div(entryPrice).times(100);
  if (deviation.lte(config.maxEntryDeviationPct)) return undefined;
  return {
    deny: {
      rule: 'entry_deviation',
      message: `price ${proposal.entryPrice} is ${formatDecimal(deviation, 4)}% from the market price ${entryPrice.toFixed()} of ${proposal.symbol}, more than the allowed ${config.maxEntryDeviationPct}%`,
    },
  };
};
