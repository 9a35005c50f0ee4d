import { desc } from 'drizzle-orm';
import type { Db } from '../../db/open-database.ts';
import { tradingSignals } from '../../db/schema/trading-signals.ts';
import { SignalSummary } from './status-page-extras.ts';

/** How many signals the page lists. */
export const RECENT_SIGNALS = 10;

/**
 * The latest `limit` decisions of the trading panel, newest first, with their votes and
 * abstentions. Each row is parsed: a row that does not parse fails the read (it is a bug in
 * the writer, not something to show half of).
 */
export async function readRecentSignals(db: Db, limit = RECENT_SIGNALS): Promise<SignalSummary[]> {
  const rows = await db
    .select()
    .from(tradingSignals)
    .orderBy(desc(tradingSignals.createdAt), desc(tradingSignals.signalId))
    .limit(limit);
  return rows.map((row) =>
    SignalSummary.parse({
      signalId: row.signalId,
      symbol: row.symbol,
      action: row.action,
      confidence: row.confidence,
      agreement: row.agreement,
      createdAtMs: row.createdAt.getTime(),
      votes: row.votes,
      abstentions: row.abstentions,
    }),
  );
}
