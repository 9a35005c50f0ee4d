import { sql } from 'drizzle-orm';
import type { Db } from '../../db/open-database.ts';
import { riskDecisions } from '../../db/schema/risk-decisions.ts';
import { DenialCount } from './status-page-extras.ts';

/**
 * Risk denials since `sinceMs` counted by the rule that gave them, most frequent first (ties by
 * rule name). A denial lists every rule that said no, so one with two reasons counts under both.
 */
export async function readDenialsByRule(db: Db, sinceMs: number): Promise<DenialCount[]> {
  // jsonb_array_elements unpacks `reasons` ([{ rule, message }, …]); the created_at range uses
  // the table's order of insertion, a day of rows at most.
  const result = await db.execute<{ rule: string; count: string | number }>(sql`
    select reason->>'rule' as rule, count(*)::int as count
    from ${riskDecisions}, jsonb_array_elements(${riskDecisions.reasons}) as reason
    where ${riskDecisions.decision} = 'denied' and ${riskDecisions.createdAt} >= ${new Date(sinceMs).toISOString()}
    group by 1
    order by 2 desc, 1`);
  return result.rows.map((row) => DenialCount.parse({ rule: row.rule, count: Number(row.count) }));
}
