import { count, sql } from 'drizzle-orm';
import type { Db } from '../../db/open-database.ts';
import { riskDecisions } from '../../db/schema/risk-decisions.ts';

export interface RiskDecisionCount {
  /** approved or denied. */
  outcome: string;
  /** The rule of a denial's first reason (the one that decided it); `none` for an approval. */
  reason: string;
  decisions: number;
}

/** Every risk decision ever made, by outcome and the rule that decided a denial. */
export async function readRiskDecisionCounts(db: Db): Promise<RiskDecisionCount[]> {
  const reason = sql<string>`coalesce(${riskDecisions.reasons} -> 0 ->> 'rule', 'none')`;
  return db
    .select({ outcome: riskDecisions.decision, reason, decisions: count() })
    .from(riskDecisions)
    .groupBy(riskDecisions.decision, reason);
}
