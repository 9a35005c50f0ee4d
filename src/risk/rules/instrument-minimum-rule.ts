import { Decimal } from '../../model/decimal.ts';
import { minimumQuantity, roundQuantity } from '../../market/instrument-rules.ts';
import type { RiskRule } from './risk-rule.ts';

/**
 * Denies every order (exits too) whose quantity, cut to the pair's lot as it will be sent, is
 * below the smallest order the exchange accepts at the market price: Kraken's `ordermin`, or
 * `costmin / price` when larger (`minimumQuantity`). Exactly the minimum passes. Such an order
 * would only be refused (`EOrder:Order minimum not met`, `EOrder:Cost minimum not met`). A
 * pair without known rules is not checked here (the order path refuses it); a quantity of 0 is
 * `positive_size`'s.
 */
export const instrumentMinimumRule: RiskRule = ({ proposal, context, entryPrice, quantity }) => {
  const instrument = context.instrument;
  if (instrument === undefined || entryPrice.lte(0) || quantity.lte(0)) return undefined;
  const lots = new Decimal(roundQuantity(instrument, quantity.toFixed()));
  const minimum = minimumQuantity(instrument, entryPrice.toFixed());
  if (lots.gte(minimum)) return undefined;
  return {
    deny: {
      rule: 'instrument_minimum',
      message: `quantity ${lots.toFixed()} of ${proposal.symbol} is below the pair's minimum order ${minimum.toFixed()} (ordermin ${instrument.orderMin}, costmin ${instrument.costMin} at ${entryPrice.toFixed()})`,
    },
  };
};
