import { Decimal } from '../../model/decimal.ts';
import { and, gte, lt, notInArray, sql } from 'drizzle-orm';
import { nextUtcMidnightMs, utcDayStartMs } from '../../clock/utc-periods.ts';
import type { Db } from '../../db/open-database.ts';
import { llmCalls } from '../../db/schema/llm-calls.ts';
import type { ModelSpend } from './status-page-extras.ts';

/**
 * What the models cost in the UTC day holding `nowMs` (the clock's time, as the daily budget
 * counts it: `DailyBudget`), against `budgetUsd` (`llm.dailyBudgetUsd`). `calls` counts the
 * requests made: calls answered from the reply cache or refused by the budget made none.
 */
export async function readModelSpend(db: Db, nowMs: number, budgetUsd: number): Promise<ModelSpend> {
  const dayStartMs = utcDayStartMs(nowMs);
  const inDay = and(
    gte(llmCalls.occurredAt, new Date(dayStartMs)),
    lt(llmCalls.occurredAt, new Date(nextUtcMidnightMs(dayStartMs))),
  );
  const [row] = await db
    .select({
      total: sql<string | null>`sum(${llmCalls.costUsd})`,
      calls: sql<number>`(count(*) filter (where ${notInArray(llmCalls.outcome, ['cached', 'budget_exhausted'])}))::int`,
    })
    .from(llmCalls)
    .where(inDay);
  return {
    dayStartMs,
    spentUsd: new Decimal(String(row?.total ?? '0')).toFixed(),
    budgetUsd: new Decimal(String(budgetUsd)).toFixed(),
    calls: Number(row?.calls ?? 0),
  };
}
