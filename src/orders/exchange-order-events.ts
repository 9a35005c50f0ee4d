import type { ExchangeOrder } from '../exchange/exchange-port.ts';
import { TriplegainError } from '../shared/triplegain-error.ts';
import { canonicalAmount, exceeds, fillBetween, type FillTotals } from './fill-math.ts';
import type { OrderEvent } from './order-event.ts';
import type { OrderStatus } from '../model/order-status.ts';

/** What `eventsToMatchExchange` needs of our order row. */
export interface OrderState extends FillTotals {
  status: OrderStatus;
  quantity: string;
}

/**
 * The events that bring our order to the state the exchange reports, in order:
 *
 * 1. the exchange has the order, so one we have not seen acknowledged becomes `open` first:
 *    `accepted` while our call is under way (`submitting`, e.g. the call's own answer),
 *    `found_open` when it is `created` or `unknown` (reconciliation);
 * 2. one `fill` for whatever filled beyond what we recorded: quantity and fee by difference,
 *    price such that our volume-weighted average comes out as the exchange's; its fill id is
 *    `<exchange order id>:<cumulative filled quantity>`, so the same report applied twice
 *    stores it once. (Fills from a trade-level source, with the exchange's trade ids, must not
 *    be mixed with these for the same order: they would count twice.);
 * 3. `canceled` or `expired` when the exchange says so and we have not recorded it. `closed`
 *    means fully filled: step 2 already made the order `filled`.
 *
 * Pure; the table decides whether each event is allowed (a `found_open` on a `rejected` order
 * throws when it is applied).
 *
 * @throws TriplegainError `DATA_INVALID` when the exchange reports less filled than we
 *   recorded, a fill without an average price, or `closed` with the quantity not filled.
 */
export function eventsToMatchExchange(
  order: OrderState,
  exchangeOrder: ExchangeOrder,
  occurredAtMs?: number,
  /** Why the order is canceled when this system asked for it: the `canceled` event's reason. */
  canceledBecause?: string,
): OrderEvent[] {
  const { exchangeOrderId } = exchangeOrder;
  const events: OrderEvent[] = [];
  if (order.status === 'submitting') events.push({ kind: 'accepted', occurredAtMs, exchangeOrderId });
  else if (order.status === 'created' || order.status === 'unknown')
    events.push({ kind: 'found_open', occurredAtMs, exchangeOrderId });

  const fill = fillBetween(order, exchangeOrder);
  if (fill) {
    const fillId = `${exchangeOrderId}:${canonicalAmount(exchangeOrder.filledQuantity)}`;
    events.push({
      kind: 'fill',
      occurredAtMs,
      exchangeOrderId,
      fill: { fillId, ...fill, filledAtMs: exchangeOrder.updatedAtMs },
    });
  }

  switch (exchangeOrder.status) {
    case 'pending':
    case 'open':
      break;
    case 'closed':
      if (exceeds(order.quantity, exchangeOrder.filledQuantity)) {
        throw new TriplegainError(
          'DATA_INVALID',
          `exchange reports order ${exchangeOrderId} closed with ${exchangeOrder.filledQuantity} of ${order.quantity} filled`,
          { exchangeOrder },
        );
      }
      break;
    case 'canceled':
      if (order.status !== 'canceled')
        events.push({
          kind: 'canceled',
          occurredAtMs,
          exchangeOrderId,
          reason: canceledBecause ?? 'reported canceled by the exchange',
        });
      break;
    case 'expired':
      if (order.status !== 'expired') events.push({ kind: 'expired', occurredAtMs, exchangeOrderId });
      break;
  }
  return events;
}
