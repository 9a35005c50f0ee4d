import { sql } from 'drizzle-orm';
import { bigserial, check, index, integer, pgTable, text } from 'drizzle-orm/pg-core';
import { money, timestamptz } from '../columns.ts';

/**
 * What became of one model call. `ok`: valid at the first try; `repaired`: valid after the one
 * repair attempt; `invalid`: not JSON or failing the schema; `timeout`, `http_error`,
 * `rate_limited`: the call failed (after the SDK's own retries); `budget_exhausted`: not made,
 * the daily budget is spent; `cached`: answered from the reply cache with no HTTP call.
 */
export const llmCallOutcomes = [
  'ok',
  'invalid',
  'repaired',
  'timeout',
  'http_error',
  'rate_limited',
  'budget_exhausted',
  'cached',
] as const;
export type LlmCallOutcome = (typeof llmCallOutcomes)[number];

/** Every model call (one row per HTTP request, plus calls not made), with its tokens and cost. */
export const llmCalls = pgTable(
  'llm_calls',
  {
    id: bigserial('id', { mode: 'number' }).primaryKey(),
    /** When the call started, in the clock's time (market time during a replay). */
    occurredAt: timestamptz('occurred_at').notNull(),
    /** Key of `llm.providers`, or `rules`. */
    provider: text('provider').notNull(),
    model: text('model').notNull(),
    /** What the call was for, e.g. `decision`, `sentiment`, `conflict_resolution`. */
    purpose: text('purpose').notNull(),
    /** The decision or signal chain the call belongs to. */
    correlationId: text('correlation_id'),
    outcome: text('outcome', { enum: llmCallOutcomes }).notNull(),
    /** 1 for the first request to a model, 2 for the repair request. */
    attempt: integer('attempt').notNull().default(1),
    inputTokens: integer('input_tokens').notNull().default(0),
    outputTokens: integer('output_tokens').notNull().default(0),
    /** Tokens priced at `llm.providers.*.{input,output}UsdPerMTok`; summed for the daily budget. */
    costUsd: money('cost_usd').notNull(),
    latencyMs: integer('latency_ms').notNull().default(0),
    /** What went wrong, secrets redacted; null when the outcome is ok, repaired or cached. */
    error: text('error'),
  },
  (t) => [
    // Serves the daily budget: SUM(cost_usd) WHERE occurred_at >= $dayStart AND occurred_at < $dayEnd.
    index('llm_calls_occurred_at_idx').on(t.occurredAt),
    // Serves `triplegain explain <id>`: every model call of one correlation chain.
    index('llm_calls_correlation_id_idx')
      .on(t.correlationId)
      .where(sql`${t.correlationId} IS NOT NULL`),
    check(
      'llm_calls_outcome_valid',
      sql`${t.outcome} IN ('ok', 'invalid', 'repaired', 'timeout', 'http_error', 'rate_limited', 'budget_exhausted', 'cached')`,
    ),
    check('llm_calls_tokens_not_negative', sql`${t.inputTokens} >= 0 AND ${t.outputTokens} >= 0`),
    check('llm_calls_cost_not_negative', sql`${t.costUsd} >= 0`),
  ],
);

export type LlmCallRow = typeof llmCalls.$inferSelect;
export type NewLlmCallRow = typeof llmCalls.$inferInsert;
