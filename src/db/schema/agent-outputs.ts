import { bigserial, index, jsonb, pgTable, text, uniqueIndex } from 'drizzle-orm/pg-core';
import { timestamptz } from '../columns.ts';

/**
 * What the analysis agents produced, one row per agent, symbol and bar. `output` is the
 * agent's zod-validated output (the payload it publishes); readers parse it again.
 */
export const agentOutputs = pgTable(
  'agent_outputs',
  {
    id: bigserial('id', { mode: 'number' }).primaryKey(),
    /** The producing agent: `ta`, `regime`, … */
    agent: text('agent').notNull(),
    /** Exchange pair, e.g. `BTC/USD`. */
    symbol: text('symbol').notNull(),
    /** Bar length, e.g. `1h`. */
    timeframe: text('timeframe').notNull(),
    /** Open time of the bar the output speaks for. */
    candleOpenTime: timestamptz('candle_open_time').notNull(),
    output: jsonb('output').$type<Record<string, unknown>>().notNull(),
    /** The run (flow) that produced it. */
    correlationId: text('correlation_id').notNull(),
    createdAt: timestamptz('created_at').notNull().defaultNow(),
  },
  (t) => [
    // Serves the save (INSERT … ON CONFLICT (agent, symbol, timeframe, candle_open_time) DO
    // NOTHING: a re-run of the same bar stores nothing new) and the reads "output for this bar"
    // and "latest output" (… ORDER BY candle_open_time DESC LIMIT 1).
    uniqueIndex('agent_outputs_agent_symbol_timeframe_candle_key').on(t.agent, t.symbol, t.timeframe, t.candleOpenTime),
    // Serves `triplegain explain <id>`: every output of one correlation chain.
    index('agent_outputs_correlation_id_idx').on(t.correlationId),
  ],
);

export type AgentOutputRow = typeof agentOutputs.$inferSelect;
export type NewAgentOutputRow = typeof agentOutputs.$inferInsert;
