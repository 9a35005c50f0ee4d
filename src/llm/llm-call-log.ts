import { Decimal } from '../model/decimal.ts';
import { and, gte, lt, sql } from 'drizzle-orm';
import type { Db } from '../db/open-database.ts';
import { llmCalls, type LlmCallRow, type NewLlmCallRow } from '../db/schema/llm-calls.ts';

/** The `llm_calls` table: one row per model call, and the spending the daily budget reads. */
export class LlmCallLog {
  constructor(private readonly db: Db) {}

  async record(call: NewLlmCallRow): Promise<LlmCallRow> {
    const [row] = await this.db.insert(llmCalls).values(call).returning();
    return row!;
  }

  /** USD spent on calls that started in [fromMs, toMs). */
  async spentUsd(fromMs: number, toMs: number): Promise<Decimal> {
    const [row] = await this.db
      .select({ total: sql<string | null>`sum(${llmCalls.costUsd})` })
      .from(llmCalls)
      .where(and(gte(llmCalls.occurredAt, new Date(fromMs)), lt(llmCalls.occurredAt, new Date(toMs))));
    return new Decimal(String(row?.total ?? '0'));
  }
}
