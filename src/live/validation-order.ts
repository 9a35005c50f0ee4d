import { instrumentRefusal, minimumQuantity, roundOrderToInstrument } from '../market/instrument-rules.ts';
import type { Instrument } from '../market/instrument.ts';

/** The order a validate-only AddOrder describes: a limit buy of the pair's minimum. */
export interface ValidationOrder {
  symbol: string;
  side: 'buy';
  type: 'limit';
  quantity: string;
  limitPrice: string;
}

/**
 * The smallest order Kraken accepts for the pair, as a limit buy at the best bid: the bid on
 * the tick grid (`roundOrderToInstrument`), the volume Kraken's minimum at that price
 * (`minimumQuantity`). Returns the refusal when the rules refuse it all the same (which would
 * be a bug here, not Kraken's answer).
 */
export function validationOrderFor(
  instrument: Instrument,
  bid: string,
): { order: ValidationOrder } | { refusal: string } {
  const priced = roundOrderToInstrument(instrument, { side: 'buy', type: 'limit', quantity: '0', limitPrice: bid });
  const limitPrice = priced.limitPrice!;
  const order: ValidationOrder = roundOrderToInstrument(instrument, {
    symbol: instrument.symbol,
    side: 'buy',
    type: 'limit',
    quantity: minimumQuantity(instrument, limitPrice).toFixed(),
    limitPrice,
  });
  const refusal = instrumentRefusal(instrument, {
    quantity: order.quantity,
    price: order.limitPrice,
    limitPrice: order.limitPrice,
  });
  return refusal === null ? { order } : { refusal };
}
