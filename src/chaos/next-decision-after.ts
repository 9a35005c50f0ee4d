import { setTimeout as sleep } from 'node:timers/promises';
import type { ChaosDatabase } from './chaos-database.ts';

/**
 * Wall time from `after` (database clock) to the first panel decision recorded after it, looked
 * for every 100 ms; undefined when none came within `limitMs` of wall time.
 */
export async function nextDecisionAfter(
  db: Pick<ChaosDatabase, 'latestDecisionAt'>,
  after: Date,
  limitMs: number,
  signal: AbortSignal,
): Promise<number | undefined> {
  const started = Date.now();
  while (Date.now() - started < limitMs) {
    const at = await db.latestDecisionAt().catch(() => null);
    if (at !== null && at > after) return at.getTime() - after.getTime();
    await sleep(100, undefined, { signal });
  }
  return undefined;
}
