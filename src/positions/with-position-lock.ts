import { randomUUID } from 'node:crypto';
import { and, eq, sql } from 'drizzle-orm';
import type { Db } from '../db/open-database.ts';
import { positionLocks } from '../db/schema/position-locks.ts';
import { TriplegainError } from '../shared/triplegain-error.ts';

/**
 * How long a position's lock outlives its holder's last renewal (wall time). A live holder
 * renews it every third of this, however long its exchange calls take; a dead one's lapses.
 */
export const POSITION_LOCK_TTL_MS = 15_000;
/** How long a caller waits for the lock (wall time) before giving up with a retryable error. */
const WAIT_MS = 30_000;

const inProcess = new Map<string, Promise<unknown>>();

/**
 * Runs `work` as the only changer of one position's orders in the cluster: placing or
 * replacing its stop, placing an exit. Callers in one process queue behind each other; across
 * processes a lease row in `position_locks` (expiring after {@link POSITION_LOCK_TTL_MS} of
 * wall time, by the database's clock, renewed while the holder works) decides, so a holder
 * that died frees the position. The
 * lease is a row written in short transactions of its own: no connection is held while
 * `work` calls the exchange (PGlite has only one).
 *
 * @throws TriplegainError `TIMEOUT` (retryable) when the lock was not had within 30 s.
 */
export async function withPositionLock<T>(db: Db, account: string, symbol: string, work: () => Promise<T>): Promise<T> {
  const key = `${account}\n${symbol}`;
  const before = inProcess.get(key) ?? Promise.resolve();
  const run = before.catch(() => undefined).then(() => holdLease(db, account, symbol, work));
  const tail = run.catch(() => undefined);
  inProcess.set(key, tail);
  void tail.then(() => {
    if (inProcess.get(key) === tail) inProcess.delete(key);
  });
  return run;
}

async function holdLease<T>(db: Db, account: string, symbol: string, work: () => Promise<T>): Promise<T> {
  const holder = randomUUID();
  const deadline = Date.now() + WAIT_MS;
  for (let delayMs = 5; !(await acquire(db, account, symbol, holder)); delayMs = Math.min(delayMs * 2, 200)) {
    if (Date.now() > deadline)
      throw new TriplegainError(
        'TIMEOUT',
        `the ${symbol} position's orders are being changed by another worker; retry`,
        { account, symbol },
      );
    await new Promise((resolve) => setTimeout(resolve, delayMs));
  }
  // The lease is renewed while `work` runs (a third of the TTL), so a slow exchange never lets
  // it lapse under a live holder; only a dead holder's lease expires.
  const renew = setInterval(() => {
    void db
      .update(positionLocks)
      .set({ expiresAt: sql`clock_timestamp() + ${`${POSITION_LOCK_TTL_MS} milliseconds`}::interval` })
      .where(
        and(eq(positionLocks.account, account), eq(positionLocks.symbol, symbol), eq(positionLocks.holder, holder)),
      )
      .catch(() => undefined);
  }, POSITION_LOCK_TTL_MS / 3);
  try {
    return await work();
  } finally {
    clearInterval(renew);
    await db
      .delete(positionLocks)
      .where(
        and(eq(positionLocks.account, account), eq(positionLocks.symbol, symbol), eq(positionLocks.holder, holder)),
      );
  }
}

async function acquire(db: Db, account: string, symbol: string, holder: string): Promise<boolean> {
  const expiresAt = sql`clock_timestamp() + ${`${POSITION_LOCK_TTL_MS} milliseconds`}::interval`;
  const rows = await db
    .insert(positionLocks)
    .values({ account, symbol, holder, expiresAt })
    .onConflictDoUpdate({
      target: [positionLocks.account, positionLocks.symbol],
      set: { holder, expiresAt },
      setWhere: sql`${positionLocks.expiresAt} < clock_timestamp()`,
    })
    .returning({ holder: positionLocks.holder });
  return rows[0]?.holder === holder;
}
