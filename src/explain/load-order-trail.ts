import { asc, eq, inArray } from 'drizzle-orm';
import type { Db } from '../db/open-database.ts';
import { fills } from '../db/schema/fills.ts';
import { orderEvents } from '../db/schema/order-events.ts';
import type { OrderRow } from '../db/schema/orders.ts';
import { positionFills } from '../db/schema/position-fills.ts';
import { positions } from '../db/schema/positions.ts';
import { Dec, toStoredDecimal } from '../positions/position-decimal.ts';
import type { ExplainedOrder, ExplainedPosition } from './explanation.ts';

/** What became of a chain's orders: each with its events and fills, and the positions the fills went into. */
export interface OrderTrail {
  orders: ExplainedOrder[];
  positions: ExplainedPosition[];
}

/**
 * The events and fills of `orderRows` (each oldest first), every fill with the position it was
 * applied to and the P&L it realized there, and those positions, oldest first, each with the
 * share of its realized P&L that came from these fills. Three queries whatever the number of
 * orders.
 */
export async function loadOrderTrail(db: Db, orderRows: readonly OrderRow[]): Promise<OrderTrail> {
  if (orderRows.length === 0) return { orders: [], positions: [] };
  const ids = orderRows.map((o) => o.clientOrderId);
  const [eventRows, fillRows] = await Promise.all([
    db.select().from(orderEvents).where(inArray(orderEvents.clientOrderId, ids)).orderBy(asc(orderEvents.id)),
    db
      .select({ fill: fills, positionId: positionFills.positionId, realizedPnlUsd: positionFills.realizedPnlUsd })
      .from(fills)
      .leftJoin(positionFills, eq(positionFills.fillId, fills.fillId))
      .where(inArray(fills.clientOrderId, ids))
      .orderBy(asc(fills.filledAt), asc(fills.fillId)),
  ]);

  const explained = orderRows.map((o) => ({
    clientOrderId: o.clientOrderId,
    exchangeOrderId: o.exchangeOrderId,
    decisionId: o.decisionId,
    proposalId: o.proposalId,
    purpose: o.purpose,
    intent: o.intent,
    exchange: o.exchange,
    symbol: o.symbol,
    side: o.side,
    type: o.type,
    status: o.status,
    quantity: o.quantity,
    filledQuantity: o.filledQuantity,
    avgFillPrice: o.avgFillPrice,
    limitPrice: o.limitPrice,
    triggerPrice: o.triggerPrice,
    leverage: o.leverage,
    reduceOnly: o.reduceOnly,
    feeUsd: o.feeUsd,
    createdAtMs: o.createdAt.getTime(),
    updatedAtMs: o.updatedAt.getTime(),
    events: eventRows
      .filter((e) => e.clientOrderId === o.clientOrderId)
      .map((e) => ({
        kind: e.kind,
        fromStatus: e.fromStatus,
        toStatus: e.toStatus,
        payload: e.payload,
        occurredAtMs: e.occurredAt.getTime(),
      })),
    fills: fillRows
      .filter((f) => f.fill.clientOrderId === o.clientOrderId)
      .map(({ fill, positionId, realizedPnlUsd }) => ({
        fillId: fill.fillId,
        quantity: fill.quantity,
        price: fill.price,
        feeUsd: fill.feeUsd,
        filledAtMs: fill.filledAt.getTime(),
        positionId,
        realizedPnlUsd,
      })),
  }));

  const positionIds = [...new Set(fillRows.map((f) => f.positionId).filter((id): id is number => id !== null))];
  const positionRows =
    positionIds.length === 0
      ? []
      : await db
          .select()
          .from(positions)
          .where(inArray(positions.id, positionIds))
          .orderBy(asc(positions.openedAt), asc(positions.id));
  const chainPnl = (positionId: number) =>
    toStoredDecimal(
      fillRows.reduce(
        (sum, f) => (f.positionId === positionId && f.realizedPnlUsd !== null ? sum.plus(f.realizedPnlUsd) : sum),
        new Dec(0),
      ),
    );

  return {
    orders: explained,
    positions: positionRows.map((p) => ({
      positionId: p.id,
      account: p.account,
      symbol: p.symbol,
      status: p.status,
      side: p.side,
      quantity: p.quantity,
      avgEntryPrice: p.avgEntryPrice,
      leverage: p.leverage,
      realizedPnlUsd: p.realizedPnlUsd,
      chainRealizedPnlUsd: chainPnl(p.id),
      feesUsd: p.feesUsd,
      protection: p.protection,
      openedAtMs: p.openedAt.getTime(),
      updatedAtMs: p.updatedAt.getTime(),
      closedAtMs: p.closedAt?.getTime() ?? null,
    })),
  };
}
