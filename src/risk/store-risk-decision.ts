import type { Db } from '../db/open-database.ts';
import { riskDecisions } from '../db/schema/risk-decisions.ts';

/** A risk decision as stored: the proposal, what was decided and the risk state it was decided on. */
export type NewRiskDecisionRow = typeof riskDecisions.$inferInsert;

/** Stores a risk decision (in the transaction that holds the account's risk state, when given one). */
export async function storeRiskDecision(db: Db, row: NewRiskDecisionRow): Promise<void> {
  await db.insert(riskDecisions).values(row);
}
