import { and, desc, inArray, sql } from 'drizzle-orm';
import type { Db } from '../db/open-database.ts';
import { systemEvents } from '../db/schema/system-events.ts';

/**
 * The type of the latest gap event (`position.unprotected` or `position.protected`) recorded
 * for the position `positionId` of `account`, if any.
 */
export async function lastGapEventOf(db: Db, account: string, positionId: number): Promise<string | undefined> {
  const [row] = await db
    .select({ type: systemEvents.type })
    .from(systemEvents)
    .where(
      and(
        inArray(systemEvents.type, ['position.unprotected', 'position.protected']),
        sql`${systemEvents.details}->>'account' = ${account}`,
        sql`${systemEvents.details}->>'positionId' = ${String(positionId)}`,
      ),
    )
    .orderBy(desc(systemEvents.id))
    .limit(1);
  return row?.type;
}
