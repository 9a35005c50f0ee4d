import { and, asc, eq, isNull } from 'drizzle-orm';
import type { Db } from '../db/open-database.ts';
import { fills } from '../db/schema/fills.ts';
import { orders } from '../db/schema/orders.ts';
import { positionFills } from '../db/schema/position-fills.ts';
import { positions, type PositionRow } from '../db/schema/positions.ts';
import { applyFill, type FillOutcome } from './apply-fill.ts';
import { NO_PROTECTION, Position, PositionProtection } from './position.ts';

/** A fill taken into a position, with what it did there. */
export interface AppliedFill extends FillOutcome {
  fillId: string;
  clientOrderId: string;
  /** The order's purpose: `entry`, `exit`, `stop_loss`, `take_profit`, `rebalance`, `flatten`, `adopted`. */
  purpose: string;
  proposalId: string | null;
}

/** A stored position row as the domain's `Position`. */
export function toPosition(row: PositionRow): Position {
  return Position.parse({
    symbol: row.symbol,
    side: row.side,
    quantity: row.quantity,
    avgEntryPrice: row.avgEntryPrice,
    leverage: Number(row.leverage),
    realizedPnlUsd: row.realizedPnlUsd,
    feesUsd: row.feesUsd,
    openedAtMs: row.openedAt.getTime(),
    updatedAtMs: row.updatedAt.getTime(),
    protection: PositionProtection.parse(row.protection),
  });
}

/** The open positions of an account. */
export async function loadOpenPositions(db: Db, account: string): Promise<Position[]> {
  const rows = await db
    .select()
    .from(positions)
    .where(and(eq(positions.account, account), eq(positions.status, 'open')))
    .orderBy(asc(positions.symbol));
  return rows.map(toPosition);
}

/**
 * Positions are the strategy's trades. A rebalance's fills change the core allocation, held
 * as balances (see `coreHoldings`): they open, grow or shrink no position.
 */
const takenIntoPositions = (purpose: string): boolean => purpose !== 'rebalance';

/**
 * Takes every recorded fill of the account's orders that no position has taken in yet into
 * its position, oldest first, each in its own transaction together with its `position_fills`
 * row: a fill is applied exactly once, and fills recorded before a crash are caught up by the
 * next call. Opening, adding, reducing, closing and flipping follow `applyFill`. A rebalance's
 * fill is only marked as seen (`position_fills` without a position) and is not returned.
 */
export async function applyPendingFills(db: Db, account: string): Promise<AppliedFill[]> {
  const pending = await db
    .select({
      fill: fills,
      order: { leverage: orders.leverage, purpose: orders.purpose, proposalId: orders.proposalId },
    })
    .from(fills)
    .innerJoin(orders, eq(orders.clientOrderId, fills.clientOrderId))
    .leftJoin(positionFills, eq(positionFills.fillId, fills.fillId))
    .where(and(eq(orders.exchange, account), isNull(positionFills.fillId)))
    // Fills at the same instant in the order their orders were created (then by client id, derived and stable).
    .orderBy(asc(fills.filledAt), asc(orders.createdAt), asc(fills.clientOrderId), asc(fills.fillId));

  const applied: AppliedFill[] = [];
  for (const { fill, order } of pending) {
    if (!takenIntoPositions(order.purpose)) {
      // Marked as seen, and nothing else: the core allocation is balances, not a position.
      await db
        .insert(positionFills)
        .values({ fillId: fill.fillId, positionId: null, realizedPnlUsd: '0' })
        .onConflictDoNothing();
      continue;
    }
    const outcome = await db
      .transaction(async (tx) => {
        const [current] = await tx
          .select()
          .from(positions)
          .where(and(eq(positions.account, account), eq(positions.symbol, fill.symbol), eq(positions.status, 'open')))
          .for('update');
        const result = applyFill(current ? toPosition(current) : null, {
          symbol: fill.symbol,
          side: fill.side,
          quantity: fill.quantity,
          price: fill.price,
          feeUsd: fill.feeUsd,
          atMs: fill.filledAt.getTime(),
          leverage: Number(order.leverage),
        });
        if (current && (result.closed || result.position === null)) {
          await tx
            .update(positions)
            .set({
              status: 'closed',
              closedAt: fill.filledAt,
              updatedAt: fill.filledAt,
              realizedPnlUsd: result.closedTrade?.realizedPnlUsd ?? current.realizedPnlUsd,
              feesUsd: result.closedTrade?.feesUsd ?? current.feesUsd,
            })
            .where(eq(positions.id, current.id));
        }
        let positionId = current?.id ?? null;
        if (result.position) {
          const p = result.position;
          const values = {
            side: p.side,
            quantity: p.quantity,
            avgEntryPrice: p.avgEntryPrice,
            leverage: String(p.leverage),
            realizedPnlUsd: p.realizedPnlUsd,
            feesUsd: p.feesUsd,
            protection: p.protection,
            updatedAt: new Date(p.updatedAtMs),
          };
          if (current && !result.closed) {
            await tx.update(positions).set(values).where(eq(positions.id, current.id));
          } else {
            const [row] = await tx
              .insert(positions)
              .values({
                account,
                symbol: p.symbol,
                status: 'open',
                ...values,
                protection: p.protection ?? NO_PROTECTION,
                openedAt: new Date(p.openedAtMs),
              })
              .returning({ id: positions.id });
            positionId = row!.id;
          }
        }
        const [marked] = await tx
          .insert(positionFills)
          .values({ fillId: fill.fillId, positionId, realizedPnlUsd: result.realizedPnlUsd })
          .onConflictDoNothing()
          .returning({ fillId: positionFills.fillId });
        // Another replica took this fill in first: undo by rolling back this transaction.
        if (!marked) throw new AlreadyApplied();
        return result;
      })
      .catch((err: unknown) => {
        if (err instanceof AlreadyApplied) return null;
        throw err;
      });
    if (outcome)
      applied.push({
        ...outcome,
        fillId: fill.fillId,
        clientOrderId: fill.clientOrderId,
        purpose: order.purpose,
        proposalId: order.proposalId,
      });
  }
  return applied;
}

/** Sets the protection of the open position of a symbol (after an entry fill, or a trailing-stop ratchet). */
export async function setProtection(
  db: Db,
  account: string,
  symbol: string,
  protection: PositionProtection,
): Promise<void> {
  await db
    .update(positions)
    .set({ protection: PositionProtection.parse(protection) })
    .where(and(eq(positions.account, account), eq(positions.symbol, symbol), eq(positions.status, 'open')));
}

class AlreadyApplied extends Error {}
