import { Decimal } from '../../model/decimal.ts';
import type { RiskRule } from './risk-rule.ts';

/** Denies every order when the symbol's latest market price is ≤ 0 (bad market data). */
export const positiveMarketPriceRule: RiskRule = ({ proposal, context }) => {
  const price = new Decimal(context.marketPrice);
  return price.lte(0)
    ? {
        deny: {
          rule: 'positive_market_price',
          message: `market price ${price.toFixed()} of ${proposal.symbol} is not positive`,
        },
      }
    : undefined;
};
