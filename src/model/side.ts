import { z } from 'zod';

/** The side of an order, a fill or a trade: buying or selling the base asset. */
export const Side = z.enum(['buy', 'sell']);
export type Side = z.infer<typeof Side>;
