import { Decimal } from '../model/decimal.ts';
import { and, eq, isNull, ne } from 'drizzle-orm';
import type { Db } from '../db/open-database.ts';
import { fills } from '../db/schema/fills.ts';
import { orders } from '../db/schema/orders.ts';
import { positionFills } from '../db/schema/position-fills.ts';
import { positions } from '../db/schema/positions.ts';
import type { Position } from './position.ts';
import { toPosition } from './position-store.ts';

/** The open position of a symbol as the orders placed for it must see it. */
export interface HeldPosition {
  /** `positions.id`: reservations and order keys name it. */
  id: number;
  account: string;
  position: Position;
  /**
   * What is really held, base units ≥ 0: the stored quantity moved by the fills already
   * recorded but not yet taken into the position (`applyPendingFills` runs on the next bar).
   * Zero when those fills close it. Orders are sized from this, never from the stored
   * quantity alone: an exit's fill recorded a moment ago must not be sold again.
   */
  quantity: Decimal;
}

/** The open position of `symbol` on `account`, or null when there is none. */
export async function heldPositionOf(db: Db, account: string, symbol: string): Promise<HeldPosition | null> {
  const [row] = await db
    .select()
    .from(positions)
    .where(and(eq(positions.account, account), eq(positions.symbol, symbol), eq(positions.status, 'open')));
  if (!row) return null;
  const position = toPosition(row);
  const pending = await db
    .select({ side: fills.side, quantity: fills.quantity })
    .from(fills)
    .innerJoin(orders, eq(orders.clientOrderId, fills.clientOrderId))
    .leftJoin(positionFills, eq(positionFills.fillId, fills.fillId))
    // A rebalance's fills go to the core allocation, never into a position (see applyPendingFills).
    .where(
      and(
        eq(orders.exchange, account),
        eq(fills.symbol, symbol),
        ne(orders.purpose, 'rebalance'),
        isNull(positionFills.fillId),
      ),
    );
  const direction = position.side === 'long' ? 1 : -1;
  const moved = pending.reduce(
    (sum, f) => sum.plus(new Decimal(f.quantity).times(f.side === 'buy' ? direction : -direction)),
    new Decimal(0),
  );
  return { id: row.id, account, position, quantity: Decimal.max(0, new Decimal(position.quantity).plus(moved)) };
}
