import { z } from 'zod';

/**
 * Where an order stands. The transition table (`transitionOrder`) says how it moves.
 *
 * - `created`: the row is written, nothing sent yet (or reconciliation proved the exchange never
 *   got it: it may be sent again, deliberately, with the same client order id).
 * - `submitting`: a create-order call is under way; only the caller that moved the order here
 *   sends it (`startSubmission`).
 * - `unknown`: the call ended without an answer (timeout, 5xx, disconnect). The order may or
 *   may not exist; it stays here until reconciliation finds it by client order id. Never resent
 *   from here.
 * - `open`: the exchange has it (resting, or not yet filled).
 * - `partially_filled`: some of the quantity filled, the rest still working.
 * - `filled`: the whole quantity filled.
 * - `canceled`: canceled (by us, by the exchange, or withdrawn before it was sent); a partial
 *   fill before the cancel stays recorded.
 * - `expired`: its time in force ran out.
 * - `rejected`: the exchange refused it (insufficient funds, invalid arguments).
 * - `denied`: our side refused to send it after the row was written (the submission fence:
 *   PAUSED refuses entries, HALTED everything). A denial by the risk engine creates no order
 *   row: it is stored, with every reason, in `risk_decisions`, and explain reads it there.
 */
export const orderStatuses = [
  'created',
  'submitting',
  'unknown',
  'open',
  'partially_filled',
  'filled',
  'canceled',
  'expired',
  'rejected',
  'denied',
] as const;
export const OrderStatus = z.enum(orderStatuses);
export type OrderStatus = z.infer<typeof OrderStatus>;

/** Statuses no event leaves, except the late fills the table lists for `canceled` and `expired`. */
export const terminalOrderStatuses: readonly OrderStatus[] = ['filled', 'canceled', 'expired', 'rejected', 'denied'];

/** Orders reconciliation looks at: possibly on the exchange, outcome not yet final. */
export const reconcilableOrderStatuses: readonly OrderStatus[] = [
  'created',
  'submitting',
  'unknown',
  'open',
  'partially_filled',
];
