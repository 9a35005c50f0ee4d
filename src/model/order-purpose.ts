import { z } from 'zod';

/**
 * Why the order exists. One proposal may lead to several orders (entry, stop-loss,
 * take-profit), told apart by purpose: the client order id is derived from both.
 * `adopted`: found on the exchange without a row here (placed by hand, or lost).
 */
export const orderPurposes = ['entry', 'exit', 'stop_loss', 'take_profit', 'rebalance', 'flatten', 'adopted'] as const;
export const OrderPurpose = z.enum(orderPurposes);
export type OrderPurpose = z.infer<typeof OrderPurpose>;
