import { count, sql } from 'drizzle-orm';
import type { Db } from '../../db/open-database.ts';
import { llmCalls } from '../../db/schema/llm-calls.ts';

export interface ModelUsage {
  provider: string;
  model: string;
  outcome: string;
  calls: number;
  inputTokens: number;
  outputTokens: number;
  /** Sum of the calls' cost, as the database's exact decimal string. */
  costUsd: string;
}

/** Every model call recorded in `llm_calls`, with its tokens and cost, by provider, model and outcome. */
export async function readModelUsage(db: Db): Promise<ModelUsage[]> {
  const rows = await db
    .select({
      provider: llmCalls.provider,
      model: llmCalls.model,
      outcome: llmCalls.outcome,
      calls: count(),
      inputTokens: sql<string>`coalesce(sum(${llmCalls.inputTokens}), 0)::text`,
      outputTokens: sql<string>`coalesce(sum(${llmCalls.outputTokens}), 0)::text`,
      costUsd: sql<string>`coalesce(sum(${llmCalls.costUsd}), 0)::text`,
    })
    .from(llmCalls)
    .groupBy(llmCalls.provider, llmCalls.model, llmCalls.outcome);
  return rows.map((r) => ({ ...r, inputTokens: Number(r.inputTokens), outputTokens: Number(r.outputTokens) }));
}
