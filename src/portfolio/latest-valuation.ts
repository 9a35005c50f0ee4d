import { desc, eq } from 'drizzle-orm';
import type { Db } from '../db/open-database.ts';
import { portfolioSnapshots } from '../db/schema/portfolio-snapshots.ts';

/** An account's equity and free cash at its latest valuation, in the cash asset. */
export interface LatestValuation {
  equity: string;
  cash: string;
  atMs: number;
}

/** The latest stored valuation (`portfolio_snapshots`) of `account`, or null before the first. */
export async function loadLatestValuation(db: Db, account: string): Promise<LatestValuation | null> {
  const s = portfolioSnapshots;
  const [row] = await db
    .select({ equity: s.equityUsd, cash: s.cashUsd, at: s.at })
    .from(s)
    .where(eq(s.account, account))
    .orderBy(desc(s.at))
    .limit(1);
  return row ? { equity: row.equity, cash: row.cash, atMs: row.at.getTime() } : null;
}
