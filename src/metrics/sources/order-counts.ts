import { count } from 'drizzle-orm';
import type { Db } from '../../db/open-database.ts';
import { orders } from '../../db/schema/orders.ts';

export interface OrderCount {
  purpose: string;
  status: string;
  orders: number;
}

/** How many orders there are by purpose and status, across the history. */
export async function readOrderCounts(db: Db): Promise<OrderCount[]> {
  return db
    .select({ purpose: orders.purpose, status: orders.status, orders: count() })
    .from(orders)
    .groupBy(orders.purpose, orders.status);
}
