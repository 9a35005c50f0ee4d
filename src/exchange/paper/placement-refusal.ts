import type { InstrumentBook } from '../../market/instrument-book.ts';
import { instrumentRefusal } from '../../market/instrument-rules.ts';
import type { PlaceOrder } from '../exchange-port.ts';

/** Kraken's answer to an order for a pair it does not list. */
export const UNKNOWN_ASSET_PAIR = 'EQuery:Unknown asset pair';

/**
 * Why Kraken would refuse to place `order`, in its words, or null when its pair's rules accept
 * it: a pair without an instrument in `instruments` (`EQuery:Unknown asset pair`), else
 * `instrumentRefusal`'s answer (price decimals or tick, volume decimals, `ordermin`, `costmin`).
 * The cost is measured at the limit or trigger, else at `lastPrice` (the pair's last known
 * price, null before the first bar: then the cost is not checked, as nothing can measure it).
 * Pure. Nothing is rounded here: the sender rounds, the exchange only refuses.
 */
export function placementRefusal(
  instruments: InstrumentBook,
  order: PlaceOrder,
  lastPrice: string | null,
): string | null {
  const instrument = instruments.find(order.symbol);
  if (!instrument) return UNKNOWN_ASSET_PAIR;
  return instrumentRefusal(instrument, {
    quantity: order.quantity,
    price: order.limitPrice ?? order.triggerPrice ?? lastPrice,
    limitPrice: order.limitPrice ?? null,
    triggerPrice: order.triggerPrice ?? null,
  });
}
