import { utcDayStartMs } from '../../clock/utc-periods.ts';
import type { Db } from '../../db/open-database.ts';
import { readDenialsByRule } from './read-denials-by-rule.ts';
import { readEquityCurve } from './read-equity-curve.ts';
import { readModelSpend } from './read-model-spend.ts';
import { readRecentSignals } from './read-recent-signals.ts';
import type { StatusPageExtras } from './status-page-extras.ts';

export interface StatusPageExtrasDeps {
  db: Db;
  /** The account whose equity is charted: `execution.exchange` (`paper` or `kraken`). */
  account: string;
  /** `llm.dailyBudgetUsd`. */
  budgetUsd: number;
  /** Now, ms: the UTC day of the denials and of the model spend. */
  nowMs: number;
}

/** Everything the status page shows that the status document does not: charts and tables from PostgreSQL. */
export async function readStatusPageExtras(deps: StatusPageExtrasDeps): Promise<StatusPageExtras> {
  const sinceMs = utcDayStartMs(deps.nowMs);
  // One after the other: on PGlite (one connection) concurrent queries would only queue anyway,
  // and the pool is shared with the status reader.
  const equity = await readEquityCurve(deps.db, deps.account);
  const signals = await readRecentSignals(deps.db);
  const byRule = await readDenialsByRule(deps.db, sinceMs);
  const spend = await readModelSpend(deps.db, deps.nowMs, deps.budgetUsd);
  return { equity, signals, denials: { sinceMs, byRule }, spend };
}
