import { formatDecimal } from '../format-decimal.ts';
import type { RiskRule } from './risk-rule.ts';

/**
 * Denies every order whose notional (after caps) is ≤ 0, or whose quantity (the notional at
 * the market price) is 0 once cut to 8 decimals. Without a positive market price there is no
 * quantity to judge: `positive_market_price` denies.
 */
export const positiveSizeRule: RiskRule = ({ notionalUsd, entryPrice, quantity }) => {
  if (notionalUsd.lte(0))
    return { deny: { rule: 'positive_size', message: `notional ${formatDecimal(notionalUsd)} is not positive` } };
  if (entryPrice.gt(0) && quantity.isZero()) {
    return {
      deny: {
        rule: 'positive_size',
        message: `quantity of notional ${formatDecimal(notionalUsd)} at ${entryPrice.toFixed()} rounds to 0`,
      },
    };
  }
  return undefined;
};
