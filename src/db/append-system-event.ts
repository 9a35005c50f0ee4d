import { z } from 'zod';
import { TriplegainError } from '../shared/triplegain-error.ts';
import type { Db } from './open-database.ts';
import { withoutNul } from './without-nul.ts';
import { Severity } from '../model/severity.ts';
import { systemEvents, type SystemEventRow } from './schema/system-events.ts';

/** One entry for the append-only operational log. */
export const NewSystemEvent = z
  .object({
    /** Stable, machine-readable: `bus.subscription_tripped`, `redis.eviction_policy`, … */
    type: z
      .string()
      .regex(/^[a-z0-9_]+(\.[a-z0-9_]+)+$/, 'expected a dotted lower-case code such as "bus.subscription_tripped"'),
    severity: Severity,
    source: z.string().min(1),
    /** Empty or absent: not part of a chain. */
    correlationId: z
      .string()
      .nullish()
      .transform((v) => v || null),
    message: z.string().min(1),
    details: z.record(z.string(), z.unknown()).default({}),
    /** Default: now (the database clock). */
    occurredAt: z.date().optional(),
  })
  .strict();
export type NewSystemEvent = z.input<typeof NewSystemEvent>;

/**
 * Appends one event to `system_events` and returns the stored row, any NUL in its message or
 * details stored as U+FFFD (`withoutNul`). Pass a transaction to make
 * the append part of a larger unit of work (see `runOnce`).
 *
 * @throws TriplegainError `MESSAGE_INVALID` (not retryable) naming the offending field.
 */
export async function appendSystemEvent(db: Db, event: NewSystemEvent): Promise<SystemEventRow> {
  const parsed = NewSystemEvent.safeParse(event);
  if (!parsed.success) {
    const issues = parsed.error.issues.map((i) => `${i.path.join('.') || '(event)'}: ${i.message}`).join('; ');
    throw new TriplegainError('MESSAGE_INVALID', `invalid system event: ${issues}`, { issues: parsed.error.issues });
  }
  const { message, details, ...rest } = parsed.data;
  const [row] = await db
    .insert(systemEvents)
    .values({ ...rest, message: withoutNul(message), details: withoutNul(details) })
    .returning();
  return row!;
}
