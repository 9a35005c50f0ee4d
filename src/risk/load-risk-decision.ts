import { eq } from 'drizzle-orm';
import type { Db } from '../db/open-database.ts';
import { riskDecisions, type RiskDecisionRow } from '../db/schema/risk-decisions.ts';

/** The stored risk decision with this id, or null. */
export async function loadRiskDecision(db: Db, decisionId: string): Promise<RiskDecisionRow | null> {
  const [row] = await db.select().from(riskDecisions).where(eq(riskDecisions.decisionId, decisionId));
  return row ?? null;
}
