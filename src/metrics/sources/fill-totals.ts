import { count, sql } from 'drizzle-orm';
import type { Db } from '../../db/open-database.ts';
import { fills } from '../../db/schema/fills.ts';

export interface FillTotal {
  symbol: string;
  side: string;
  fills: number;
  /** Sum of quantity × price, as the database's exact decimal string. */
  notionalUsd: string;
  feesUsd: string;
}

/** Every fill ever recorded, counted and summed by pair and side. */
export async function readFillTotals(db: Db): Promise<FillTotal[]> {
  return db
    .select({
      symbol: fills.symbol,
      side: fills.side,
      fills: count(),
      notionalUsd: sql<string>`coalesce(sum(${fills.quantity} * ${fills.price}), 0)::text`,
      feesUsd: sql<string>`coalesce(sum(${fills.feeUsd}), 0)::text`,
    })
    .from(fills)
    .groupBy(fills.symbol, fills.side);
}
