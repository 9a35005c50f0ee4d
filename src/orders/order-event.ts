import { z } from 'zod';
import { TriplegainError } from '../shared/triplegain-error.ts';
import { NonNegativeAmount, PositiveAmount } from './order-amount.ts';
import type { OrderStatus } from '../model/order-status.ts';

/**
 * What happens to an order, as stored in `order_events.kind`. Past tense where it reports a
 * fact (`accepted`, `canceled`), a noun for fills.
 *
 * Birth events start a row and have no `from_status`: `created` (our order, status `created`)
 * and `adopted` (found on the exchange without a row here, status `open`). They are not in the
 * transition table: a row is born once.
 *
 * `partial_fill` and `fill` are both recorded from a fill event (`OrderEvent` kind `fill`): the
 * store decides which from the quantities, `fill` being the one that completes the order.
 */
export const orderEventKinds = [
  'created',
  'adopted',
  'submit_started',
  'accepted',
  'partial_fill',
  'fill',
  'canceled',
  'expired',
  'rejected',
  'denied',
  'outcome_unknown',
  'found_open',
  'not_found',
] as const;
export const OrderEventKind = z.enum(orderEventKinds);
export type OrderEventKind = z.infer<typeof OrderEventKind>;

/** One execution (trade) of an order. `fillId` is the exchange's trade id, or derived (see `syncFromExchange`). */
export const OrderFill = z
  .object({
    fillId: z.string().min(1),
    /** Base-asset units. */
    quantity: PositiveAmount,
    price: PositiveAmount,
    feeUsd: NonNegativeAmount,
    filledAtMs: z.number().int().nonnegative(),
  })
  .strict();
export type OrderFill = z.infer<typeof OrderFill>;

/** When it happened; absent: now (the database's clock). */
const occurredAtMs = z.number().int().nonnegative().optional();
const exchangeOrderId = z.string().min(1);
const reason = z.string().min(1);

/**
 * An event to apply to an order (`applyOrderEvent`). The fields other than `kind` and
 * `occurredAtMs` are stored as the event's payload.
 */
export const OrderEvent = z.discriminatedUnion('kind', [
  /** The caller is about to send the create-order call. */
  z.object({ kind: z.literal('submit_started'), occurredAtMs }).strict(),
  /** The create-order call returned: the exchange has the order. */
  z.object({ kind: z.literal('accepted'), occurredAtMs, exchangeOrderId }).strict(),
  /** A fill, partial or complete. */
  z
    .object({ kind: z.literal('fill'), occurredAtMs, exchangeOrderId: exchangeOrderId.optional(), fill: OrderFill })
    .strict(),
  z
    .object({
      kind: z.literal('canceled'),
      occurredAtMs,
      exchangeOrderId: exchangeOrderId.optional(),
      reason: reason.optional(),
    })
    .strict(),
  z.object({ kind: z.literal('expired'), occurredAtMs, exchangeOrderId: exchangeOrderId.optional() }).strict(),
  /** The exchange refused the create-order call (`EXCHANGE_REJECTED`): the order does not exist. */
  z.object({ kind: z.literal('rejected'), occurredAtMs, reason }).strict(),
  /** Our side refused to send it (submission fence); `reason` names the trading state. */
  z.object({ kind: z.literal('denied'), occurredAtMs, reason }).strict(),
  /** The create-order call ended without an answer (timeout, 5xx, disconnect); `reason` names the error. */
  z.object({ kind: z.literal('outcome_unknown'), occurredAtMs, reason }).strict(),
  /** Reconciliation found the order on the exchange by its client order id. */
  z.object({ kind: z.literal('found_open'), occurredAtMs, exchangeOrderId }).strict(),
  /**
   * Reconciliation looked up the client order id in open and closed orders and the exchange has
   * none: it never got the order. Send this only once a late arrival is ruled out (the lookup
   * happened well after the call ended). The order goes back to `created`.
   */
  z.object({ kind: z.literal('not_found'), occurredAtMs, reason: reason.optional() }).strict(),
]);
export type OrderEvent = z.infer<typeof OrderEvent>;
export type OrderEventInput = z.input<typeof OrderEvent>;

/**
 * The whole order lifecycle. A pair not listed throws. Read a row as "in this status, on this
 * event, the order goes to".
 */
const transitions: Record<OrderStatus, Partial<Record<OrderEventKind, OrderStatus>>> = {
  created: {
    // Claims the send: from any other status `submit_started` throws, which is what keeps a
    // job delivered twice (or a retried one) from placing a second order.
    submit_started: 'submitting',
    // The submission fence refused it; the row stays, for explain.
    denied: 'denied',
    // Withdrawn before it was sent (e.g. after `not_found`, the caller decides not to resend).
    canceled: 'canceled',
    // `created` again after `not_found`, and the exchange got the order after all (a very late
    // arrival): believe the exchange.
    found_open: 'open',
  },
  submitting: {
    accepted: 'open',
    rejected: 'rejected',
    outcome_unknown: 'unknown',
    // The process died during the call and left the row here: reconciliation treats it like
    // `unknown`.
    found_open: 'open',
    not_found: 'created',
  },
  unknown: {
    found_open: 'open',
    // The exchange never got it: back to `created`. Resending is a deliberate step
    // (`submit_started` again, same client order id), never automatic on a timeout.
    not_found: 'created',
    // No `submit_started`: an order whose outcome is unknown is never resent blindly.
  },
  open: {
    partial_fill: 'partially_filled',
    fill: 'filled',
    canceled: 'canceled',
    expired: 'expired',
  },
  partially_filled: {
    partial_fill: 'partially_filled',
    fill: 'filled',
    // The filled part stays filled; the rest is gone.
    canceled: 'canceled',
    expired: 'expired',
  },
  filled: {},
  canceled: {
    // A fill that happened before the cancel took effect, reported after it: recorded, and the
    // order stays canceled; if it completes the quantity, the cancel lost the race: filled.
    partial_fill: 'canceled',
    fill: 'filled',
  },
  expired: {
    // Same race as for `canceled`.
    partial_fill: 'expired',
    fill: 'filled',
  },
  rejected: {},
  denied: {},
};

/**
 * The status after `event`.
 *
 * @throws TriplegainError `DATA_INVALID` (not retryable) when the pair is not in the table.
 */
export function transitionOrder(status: OrderStatus, event: OrderEventKind): OrderStatus {
  const next = transitions[status][event];
  if (next === undefined)
    throw new TriplegainError('DATA_INVALID', `order: no transition from ${status} on ${event}`, { status, event });
  return next;
}
