import { eq, sql } from 'drizzle-orm';
import type { Db, DbTransaction } from '../db/open-database.ts';
import { riskState, type RiskStateRow } from '../db/schema/risk-state.ts';
import { RiskState } from './risk-state.ts';

export interface LockedRiskState {
  state: RiskState;
  version: number;
  resetsApplied: number;
}

/**
 * Runs `work` in one transaction holding the account's risk-state row locked (replicas deciding
 * at once take turns), creating it with `initial()` the first time. `work` returns the new
 * state, which is written back with the version increased, in the same transaction as
 * whatever `work` wrote.
 *
 * @throws whatever reading fails with (the caller denies rather than guesses), or a ZodError
 *   when the stored state no longer fits `RiskState`.
 */
export async function withLockedRiskState<T>(
  db: Db,
  account: string,
  initial: () => RiskState,
  work: (
    current: LockedRiskState,
    tx: DbTransaction,
  ) => Promise<{ state: RiskState; resetsApplied: number; result: T }>,
): Promise<{ state: RiskState; result: T }> {
  return db.transaction(async (tx) => {
    await tx
      .insert(riskState)
      .values({ account, state: initial(), version: 0, resetsApplied: 0 })
      .onConflictDoNothing({ target: riskState.account });
    const [row] = await tx.select().from(riskState).where(eq(riskState.account, account)).for('update');
    const current: LockedRiskState = {
      state: RiskState.parse(row!.state),
      version: row!.version,
      resetsApplied: row!.resetsApplied,
    };
    const outcome = await work(current, tx);
    await tx
      .update(riskState)
      .set({
        state: RiskState.parse(outcome.state),
        version: current.version + 1,
        resetsApplied: outcome.resetsApplied,
        updatedAt: sql`now()`,
      })
      .where(eq(riskState.account, account));
    return { state: outcome.state, result: outcome.result };
  });
}

/** The account's stored risk-state row as it is (unlocked, unparsed), or null when none is stored yet. */
export async function loadRiskStateRow(db: Db, account: string): Promise<RiskStateRow | null> {
  const [row] = await db.select().from(riskState).where(eq(riskState.account, account));
  return row ?? null;
}
