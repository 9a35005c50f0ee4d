import { eq } from 'drizzle-orm';
import type { Db } from '../db/open-database.ts';
import { coordinatorDecisions, type CoordinatorDecisionRow } from '../db/schema/coordinator-decisions.ts';

/** The coordinator's stored handling of a signal, or null when it has not handled it. */
export async function loadCoordinatorDecision(db: Db, signalId: string): Promise<CoordinatorDecisionRow | null> {
  const [existing] = await db.select().from(coordinatorDecisions).where(eq(coordinatorDecisions.signalId, signalId));
  return existing ?? null;
}

/**
 * Stores the handling of a signal, once per signal.
 *
 * @returns false when a handling of the same signal was stored first (by another replica): that one stands.
 */
export async function storeCoordinatorDecision(
  db: Db,
  decision: typeof coordinatorDecisions.$inferInsert,
): Promise<boolean> {
  const inserted = await db
    .insert(coordinatorDecisions)
    .values(decision)
    .onConflictDoNothing({ target: coordinatorDecisions.signalId })
    .returning({ signalId: coordinatorDecisions.signalId });
  return inserted.length > 0;
}
