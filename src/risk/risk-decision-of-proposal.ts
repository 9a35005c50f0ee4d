import { eq } from 'drizzle-orm';
import type { Db } from '../db/open-database.ts';
import { riskDecisions, type RiskDecisionRow } from '../db/schema/risk-decisions.ts';

/** The stored risk decision on the proposal `proposalId`, or null when it was not decided yet. */
export async function riskDecisionOfProposal(db: Db, proposalId: string): Promise<RiskDecisionRow | null> {
  const [row] = await db.select().from(riskDecisions).where(eq(riskDecisions.proposalId, proposalId));
  return row ?? null;
}
