import { sql } from 'drizzle-orm';
import { bigserial, check, index, jsonb, pgTable, text } from 'drizzle-orm/pg-core';
import { severities } from '../../model/severity.ts';
import { timestamptz } from '../columns.ts';

/**
 * The operational log: alerts, breaker trips, process starts and stops. Append-only, and the
 * database enforces it: a trigger (migration `system_events_append_only`) refuses UPDATE,
 * DELETE and TRUNCATE.
 */
export const systemEvents = pgTable(
  'system_events',
  {
    id: bigserial('id', { mode: 'number' }).primaryKey(),
    occurredAt: timestamptz('occurred_at').notNull().defaultNow(),
    /** Stable, machine-readable: `bus.subscription_tripped`, `redis.eviction_policy`, … */
    type: text('type').notNull(),
    severity: text('severity', { enum: severities }).notNull(),
    /** The service or component that raised it. */
    source: text('source').notNull(),
    /** Links the event to the decision, signal or order chain it belongs to. */
    correlationId: text('correlation_id'),
    message: text('message').notNull(),
    details: jsonb('details').$type<Record<string, unknown>>().notNull().default({}),
  },
  (t) => [
    // Serves the recent-events views (`status`, dashboard): ORDER BY occurred_at DESC LIMIT n.
    index('system_events_occurred_at_idx').on(t.occurredAt.desc()),
    // Serves `triplegain explain <id>`: every event of one correlation chain.
    index('system_events_correlation_id_idx')
      .on(t.correlationId)
      .where(sql`${t.correlationId} IS NOT NULL`),
    check('system_events_severity_valid', sql`${t.severity} IN ('info', 'warning', 'error', 'critical')`),
  ],
);

export type SystemEventRow = typeof systemEvents.$inferSelect;
export type NewSystemEventRow = typeof systemEvents.$inferInsert;
