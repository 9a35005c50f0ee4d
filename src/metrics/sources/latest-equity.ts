import { desc } from 'drizzle-orm';
import type { Db } from '../../db/open-database.ts';
import { portfolioSnapshots } from '../../db/schema/portfolio-snapshots.ts';

export interface AccountEquity {
  account: string;
  at: Date;
  equityUsd: string;
  cashUsd: string;
  unrealizedPnlUsd: string;
}

/** The latest portfolio snapshot of each account. */
export async function readLatestEquity(db: Db): Promise<AccountEquity[]> {
  const s = portfolioSnapshots;
  return db
    .selectDistinctOn([s.account], {
      account: s.account,
      at: s.at,
      equityUsd: s.equityUsd,
      cashUsd: s.cashUsd,
      unrealizedPnlUsd: s.unrealizedPnlUsd,
    })
    .from(s)
    .orderBy(s.account, desc(s.at));
}
