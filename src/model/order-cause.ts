import { z } from 'zod';

/**
 * Why an order exists. Every order carries one: an approval by the risk engine, or the
 * automatic action that placed it without one (`triplegain audit` checks that every order has
 * an approving decision or one of the automatic causes).
 *
 * - `approval`: a risk approval (`risk_decisions`) carried out by execution.
 * - `stop`: the resting stop loss that protects a position, sized to it.
 * - `take_profit`: the engine's market exit when a take profit or trailing stop triggered.
 * - `watch`: the engine's market exit when a position's stop level was crossed while no stop
 *   rested for it (rejected, canceled, being replaced).
 * - `breaker`: a `reduce_positions` circuit breaker's cut.
 * - `halt`: a halt's close-out (`--flatten`, a drawdown breaker).
 * - `operator`: placed by an operator's command.
 * - `adopted`: found on the exchange without a row here.
 */
export const orderCauses = [
  'approval',
  'stop',
  'take_profit',
  'watch',
  'breaker',
  'halt',
  'operator',
  'adopted',
] as const;
export const OrderCause = z.enum(orderCauses);
export type OrderCause = z.infer<typeof OrderCause>;

/** The causes that need no approving decision. */
export const automaticOrderCauses: readonly OrderCause[] = [
  'stop',
  'take_profit',
  'watch',
  'breaker',
  'halt',
  'operator',
  'adopted',
];
