import { z } from 'zod';

/**
 * What an order does to exposure, which decides what a trading state lets through:
 * `entry` opens or adds to a position (refused while PAUSED); `exit` reduces one (a close);
 * `protective` is a resting exit guarding a position (stop-loss, take-profit), which bypasses
 * pause. Null for an adopted order: we do not know why it was placed.
 */
export const orderIntents = ['entry', 'exit', 'protective'] as const;
export const OrderIntent = z.enum(orderIntents);
export type OrderIntent = z.infer<typeof OrderIntent>;
