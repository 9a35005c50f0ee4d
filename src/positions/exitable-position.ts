import type { Db } from '../db/open-database.ts';
import { pendingExitsOf, type PendingExits } from '../reservations/pending-exits.ts';
import { heldPositionOf, type HeldPosition } from './held-position.ts';

/** An open position as orders for it are sized: what is held, and what exits in flight will take. */
export interface ExitablePosition {
  held: HeldPosition;
  pending: PendingExits;
}

/**
 * The open position of `symbol` (`heldPositionOf`) and its exits in flight (`pendingExitsOf`,
 * `except` left out) read from one snapshot of the database (a read-only repeatable-read
 * transaction): a fill recorded meanwhile (by reconciliation or a follow-up, which hold no
 * position lock) shows in both or in neither. Read one after the other, an exit's fill could
 * land between them: not yet in what is held, no longer in flight, and the position would be
 * sold twice. Null when no position is open.
 */
export function exitablePositionOf(
  db: Db,
  account: string,
  symbol: string,
  except?: string,
): Promise<ExitablePosition | null> {
  return db.transaction(
    async (tx) => {
      const held = await heldPositionOf(tx, account, symbol);
      if (!held) return null;
      return { held, pending: await pendingExitsOf(tx, { id: held.id, account: held.account, symbol }, except) };
    },
    { isolationLevel: 'repeatable read', accessMode: 'read only' },
  );
}
