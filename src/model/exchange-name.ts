import { z } from 'zod';

/** The exchange an order lives on: the `name` of the `ExchangePort` that sends it. */
export const ExchangeName = z.enum(['paper', 'kraken']);
export type ExchangeName = z.infer<typeof ExchangeName>;
