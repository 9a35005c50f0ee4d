import { Decimal } from 'decimal.js';
import { formatDecimal } from '../format-decimal.ts';
import type { RiskRule } from './risk-rule.ts';

/**
 * Denies every order whose notional (after caps) is ≤ 0, or whose quantity
 * (notional / entryPrice) is 0 once cut to 8 decimals.
 */
export const positiveSizeRule: RiskRule = ({ notionalUsd, entryPrice }) => {
  if (notionalUsd.lte(0)) return { deny: { rule: 'positive_size', message: `notional ${formatDecimal(notionalUsd)} is not positive` } };
  if (notionalUsd.div(entryPrice).toDecimalPlaces(8, Decimal.ROUND_DOWN).isZero()) {
    return { deny: { rule: 'positive_size', message: `quantity of notional ${formatDecimal(notionalUsd)} at ${entryPrice.toFixed()} rounds to 0` } };
  }
  return undefined;
};
