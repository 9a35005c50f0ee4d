import { sql } from 'drizzle-orm';
import type { Db } from '../db/open-database.ts';

/**
 * How many trade entries make up the open position of `symbol`, or are on their way into it:
 * entry orders whose fills the position took (`positionId`), entry orders with fills recorded
 * but not yet taken into a position (`applyPendingFills` runs on the next bar), and approved
 * spot buy entries still holding their cash (their orders not done). Each order counts once.
 * Rebalance trades are not entries (they go to the core allocation). Read in the risk-state
 * transaction, after the lock, so an entry approved a moment ago by another replica counts.
 *
 * An approved short entry on margin holds no reservation, so it counts from its first fill.
 */
export async function entriesOfPosition(
  tx: Db,
  args: { account: string; symbol: string; positionId: number | null },
): Promise<number> {
  const { rows } = await tx.execute<{ n: number }>(sql`
    select count(*)::int as n from (
      select o.client_order_id
        from orders o
        join fills f on f.client_order_id = o.client_order_id
        left join position_fills pf on pf.fill_id = f.fill_id
       where o.exchange = ${args.account} and o.symbol = ${args.symbol} and o.purpose = 'entry'
         and (pf.fill_id is null or pf.position_id = ${args.positionId})
      union
      select r.client_order_id
        from order_reservations r
        join risk_decisions d on d.decision_id = r.decision_id
       where r.account = ${args.account} and r.symbol = ${args.symbol} and r.kind = 'cash'
         and r.released_at is null
         and d.proposal->>'intent' = 'entry' and coalesce(d.proposal->>'purpose', 'entry') = 'entry'
    ) entries`);
  return rows[0]?.n ?? 0;
}
