import { Decimal } from '../../model/decimal.ts';
import { desc, eq } from 'drizzle-orm';
import type { Db } from '../../db/open-database.ts';
import { portfolioSnapshots } from '../../db/schema/portfolio-snapshots.ts';
import type { EquityPoint } from './status-page-extras.ts';

/** How many snapshots the curve shows: a month of the default hourly slots. */
export const EQUITY_POINTS = 720;

/**
 * The account's latest `limit` equity snapshots, oldest first, each with its drawdown. The
 * peak is taken over the points shown: a drawdown that began before the window reads from the
 * window's first point.
 */
export async function readEquityCurve(db: Db, account: string, limit = EQUITY_POINTS): Promise<EquityPoint[]> {
  const rows = await db
    .select({ at: portfolioSnapshots.at, equityUsd: portfolioSnapshots.equityUsd })
    .from(portfolioSnapshots)
    .where(eq(portfolioSnapshots.account, account))
    .orderBy(desc(portfolioSnapshots.at))
    .limit(limit);
  return withDrawdown(rows.reverse().map((row) => ({ atMs: row.at.getTime(), equityUsd: row.equityUsd })));
}

/**
 * Each point's drawdown: `(peak - equity) / peak`, in percent with 4 decimals, where `peak` is
 * the highest equity up to and including it. A peak of zero or less (an empty or overdrawn
 * account) gives 0: there is nothing to fall from.
 */
export function withDrawdown(points: readonly { atMs: number; equityUsd: string }[]): EquityPoint[] {
  let peak: Decimal | undefined;
  return points.map(({ atMs, equityUsd }) => {
    const equity = new Decimal(equityUsd);
    peak = peak === undefined || equity.gt(peak) ? equity : peak;
    const drawdown = peak.lte(0) ? new Decimal(0) : peak.minus(equity).div(peak).times(100);
    return { atMs, equityUsd, drawdownPct: drawdown.toFixed(4) };
  });
}
