import { index, jsonb, pgTable, text } from 'drizzle-orm/pg-core';
import { timestamptz } from '../columns.ts';

/**
 * How the coordinator handled each trading signal, once per signal: the conflicts it found,
 * the consensus, the resolution and its reasoning, and the proposal sent to risk (if any).
 */
export const coordinatorDecisions = pgTable(
  'coordinator_decisions',
  {
    signalId: text('signal_id').primaryKey(),
    correlationId: text('correlation_id').notNull(),
    symbol: text('symbol').notNull(),
    /** The signal's action: BUY, SELL, HOLD or CLOSE. */
    action: text('action').notNull(),
    /** proposed, hold, stale, paused, halted, exits_only, wait, abort, nothing_to_close, nothing_to_sell. */
    outcome: text('outcome').notNull(),
    conflicts: jsonb('conflicts').$type<unknown[]>().notNull(),
    consensus: jsonb('consensus').$type<Record<string, unknown> | null>(),
    resolution: jsonb('resolution').$type<Record<string, unknown> | null>(),
    proposalId: text('proposal_id'),
    proposal: jsonb('proposal').$type<Record<string, unknown> | null>(),
    /** The coordinator state and degradation level the signal met. */
    coordinatorState: text('coordinator_state').notNull(),
    degradationLevel: text('degradation_level').notNull(),
    createdAt: timestamptz('created_at').notNull().defaultNow(),
  },
  (t) => [
    // Serves `triplegain explain <id>`: everything of one correlation chain.
    index('coordinator_decisions_correlation_id_idx').on(t.correlationId),
    // Serves "recent decisions of a symbol".
    index('coordinator_decisions_symbol_created_idx').on(t.symbol, t.createdAt),
  ],
);

export type CoordinatorDecisionRow = typeof coordinatorDecisions.$inferSelect;
