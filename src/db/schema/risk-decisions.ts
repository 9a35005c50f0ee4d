import { sql } from 'drizzle-orm';
import { index, jsonb, pgTable, text, uniqueIndex } from 'drizzle-orm/pg-core';
import { money, quantity, timestamptz } from '../columns.ts';

/**
 * The risk engine's verdict on each proposal, once per proposal. An approval names the
 * proposal and the size approved; nothing reaches the execution queue without one.
 */
export const riskDecisions = pgTable(
  'risk_decisions',
  {
    /** `appr-<proposal id>` or `deny-<proposal id>`. */
    decisionId: text('decision_id').primaryKey(),
    proposalId: text('proposal_id').notNull(),
    signalId: text('signal_id').notNull(),
    correlationId: text('correlation_id').notNull(),
    symbol: text('symbol').notNull(),
    /** approved or denied. */
    decision: text('decision').notNull(),
    proposal: jsonb('proposal').$type<Record<string, unknown>>().notNull(),
    /** Approved notional and quantity (base units); null on a denial. */
    notionalUsd: money('notional_usd'),
    quantity: quantity('quantity'),
    /** Caps applied to an approval, with from/to and the reason. */
    adjustments: jsonb('adjustments').$type<unknown[]>().notNull(),
    /** Every reason of a denial. */
    reasons: jsonb('reasons').$type<unknown[]>().notNull(),
    /** The risk state after the decision (breakers, trading state), for explain. */
    riskState: jsonb('risk_state').$type<Record<string, unknown>>().notNull(),
    createdAt: timestamptz('created_at').notNull().defaultNow(),
  },
  (t) => [
    // One decision per proposal: a redelivered or retried risk job finds it and decides nothing new.
    uniqueIndex('risk_decisions_proposal_id_key').on(t.proposalId),
    // Serves `triplegain explain <id>`.
    index('risk_decisions_correlation_id_idx').on(t.correlationId),
    // Serves the orphaned-approval pass: recent approvals, oldest first.
    index('risk_decisions_approved_created_at_idx')
      .on(t.createdAt)
      .where(sql`${t.decision} = 'approved'`),
  ],
);

export type RiskDecisionRow = typeof riskDecisions.$inferSelect;
