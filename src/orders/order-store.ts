import { and, eq, or, sql } from 'drizzle-orm';
import type { z } from 'zod';
import type { Db } from '../db/open-database.ts';
import { fills } from '../db/schema/fills.ts';
import { orderEvents } from '../db/schema/order-events.ts';
import { orders, type OrderRow } from '../db/schema/orders.ts';
import { ExchangeOrder } from '../exchange/exchange-port.ts';
import { TriplegainError } from '../shared/triplegain-error.ts';
import { eventsToMatchExchange } from './exchange-order-events.ts';
import { addFill, exceeds, sameAmount } from './fill-math.ts';
import { NewOrder, type NewOrderInput } from './new-order.ts';
import { type ExchangeName } from '../model/exchange-name.ts';
import { OrderEvent, transitionOrder, type OrderEventInput, type OrderEventKind } from './order-event.ts';
import { terminalOrderStatuses, type OrderStatus } from '../model/order-status.ts';
import { releaseReservationsOf } from '../reservations/release-reservations.ts';

/**
 * The order store: the `orders` row, its `order_events` and its `fills` change together, in
 * one transaction with the row locked (`SELECT … FOR UPDATE`), so replicas applying events to
 * the same order take turns and a refused event writes nothing.
 */

/** The result of applying one event. */
export interface OrderChange {
  order: OrderRow;
  /** False when the event was already applied (a fill whose id is stored): nothing written. */
  changed: boolean;
  /** The kind recorded (`partial_fill` or `fill` for a fill), null when nothing changed. */
  kind: OrderEventKind | null;
}

/** The result of bringing an order to the exchange's state. */
export interface OrderSync {
  order: OrderRow;
  changed: boolean;
  /** The kinds recorded, in order. */
  applied: OrderEventKind[];
}

function parseInput<S extends z.ZodType>(schema: S, input: unknown, what: string): z.output<S> {
  const parsed = schema.safeParse(input);
  if (parsed.success) return parsed.data;
  const issues = parsed.error.issues.map((i) => `${i.path.join('.') || '(root)'}: ${i.message}`).join('; ');
  throw new TriplegainError('DATA_INVALID', `invalid ${what}: ${issues}`, { issues: parsed.error.issues });
}

const atOrNow = (ms: number | undefined): Date | undefined => (ms === undefined ? undefined : new Date(ms));

/**
 * Records an order before it is sent, with its `created` event. Idempotent on the client order
 * id: the same execution job run twice finds the row the first run wrote (`created: false`)
 * and must then not send unless `startSubmission` claims it.
 *
 * @throws TriplegainError `DATA_INVALID` for an invalid order, or when the client order id is
 *   already taken by a different order (another symbol, side, type, purpose, quantity, exchange
 *   or approval).
 */
export async function createOrder(db: Db, input: NewOrderInput): Promise<{ order: OrderRow; created: boolean }> {
  const o = parseInput(NewOrder, input, 'order');
  return db.transaction(async (tx) => {
    const createdAt = atOrNow(o.createdAtMs);
    const [inserted] = await tx
      .insert(orders)
      .values({
        clientOrderId: o.clientOrderId,
        decisionId: o.decisionId,
        proposalId: o.proposalId,
        correlationId: o.correlationId,
        symbol: o.symbol,
        side: o.side,
        type: o.type,
        intent: o.intent,
        purpose: o.purpose,
        quantity: o.quantity,
        limitPrice: o.limitPrice,
        triggerPrice: o.triggerPrice,
        leverage: String(o.leverage),
        reduceOnly: o.reduceOnly,
        cause: o.cause,
        status: 'created',
        exchange: o.exchange,
        createdAt,
        updatedAt: createdAt,
      })
      .onConflictDoNothing({ target: orders.clientOrderId })
      .returning();
    if (inserted) {
      await tx.insert(orderEvents).values({
        clientOrderId: o.clientOrderId,
        kind: 'created',
        fromStatus: null,
        toStatus: 'created',
        payload: { decisionId: o.decisionId, proposalId: o.proposalId, purpose: o.purpose },
        occurredAt: createdAt,
      });
      return { order: inserted, created: true };
    }
    const [existing] = await tx.select().from(orders).where(eq(orders.clientOrderId, o.clientOrderId));
    const same =
      existing !== undefined &&
      existing.symbol === o.symbol &&
      existing.side === o.side &&
      existing.type === o.type &&
      existing.purpose === o.purpose &&
      existing.exchange === o.exchange &&
      existing.decisionId === o.decisionId &&
      existing.proposalId === o.proposalId &&
      sameAmount(existing.quantity, o.quantity);
    if (!same) {
      throw new TriplegainError(
        'DATA_INVALID',
        `client order id ${o.clientOrderId} is already used by a different order`,
        { clientOrderId: o.clientOrderId, existing, requested: o },
      );
    }
    return { order: existing, created: false };
  });
}

async function lockOrder(tx: Db, clientOrderId: string): Promise<OrderRow> {
  const [row] = await tx.select().from(orders).where(eq(orders.clientOrderId, clientOrderId)).for('update');
  if (!row) throw new TriplegainError('NOT_FOUND', `no order ${clientOrderId}`, { clientOrderId });
  return row;
}

/** Applies one event to a locked row: checks, then writes event, row and fill. */
async function applyToLocked(tx: Db, order: OrderRow, event: OrderEvent): Promise<OrderChange> {
  const { clientOrderId } = order;
  const eventExchangeOrderId = 'exchangeOrderId' in event ? event.exchangeOrderId : undefined;
  if (
    eventExchangeOrderId !== undefined &&
    order.exchangeOrderId !== null &&
    eventExchangeOrderId !== order.exchangeOrderId
  ) {
    throw new TriplegainError(
      'DATA_INVALID',
      `order ${clientOrderId} is exchange order ${order.exchangeOrderId}, not ${eventExchangeOrderId}`,
      { clientOrderId, event },
    );
  }

  let kind: OrderEventKind = event.kind;
  let totals = { filledQuantity: order.filledQuantity, avgFillPrice: order.avgFillPrice, feeUsd: order.feeUsd };
  if (event.kind === 'fill') {
    const [stored] = await tx
      .select({ clientOrderId: fills.clientOrderId })
      .from(fills)
      .where(eq(fills.fillId, event.fill.fillId));
    if (stored?.clientOrderId === clientOrderId) return { order, changed: false, kind: null };
    if (stored)
      throw new TriplegainError(
        'DATA_INVALID',
        `fill ${event.fill.fillId} belongs to order ${stored.clientOrderId}, not ${clientOrderId}`,
        { clientOrderId, event },
      );
    totals = addFill(totals, event.fill);
    if (exceeds(totals.filledQuantity, order.quantity)) {
      throw new TriplegainError(
        'DATA_INVALID',
        `fill ${event.fill.fillId} of ${event.fill.quantity} would fill ${totals.filledQuantity} of order ${clientOrderId}, past its quantity ${order.quantity}`,
        {
          clientOrderId,
          event,
        },
      );
    }
    kind = sameAmount(totals.filledQuantity, order.quantity) ? 'fill' : 'partial_fill';
  }

  let toStatus: OrderStatus;
  try {
    toStatus = transitionOrder(order.status, kind);
  } catch (err) {
    if (err instanceof TriplegainError)
      throw new TriplegainError(
        err.code,
        `${err.message} (order ${clientOrderId})`,
        { ...err.details, clientOrderId },
        { cause: err },
      );
    throw err;
  }

  const occurredAt = atOrNow(event.occurredAtMs);
  const { kind: _kind, occurredAtMs: _occurredAtMs, ...payload } = event;
  await tx.insert(orderEvents).values({ clientOrderId, kind, fromStatus: order.status, toStatus, payload, occurredAt });
  const [updated] = await tx
    .update(orders)
    .set({
      status: toStatus,
      exchangeOrderId: order.exchangeOrderId ?? eventExchangeOrderId ?? null,
      ...totals,
      updatedAt: occurredAt ?? sql`now()`,
      statusChangedAt: sql`clock_timestamp()`,
    })
    .where(eq(orders.clientOrderId, clientOrderId))
    .returning();
  if (event.kind === 'fill') {
    const { fill } = event;
    await tx.insert(fills).values({
      fillId: fill.fillId,
      clientOrderId,
      exchangeOrderId: updated!.exchangeOrderId,
      symbol: order.symbol,
      side: order.side,
      quantity: fill.quantity,
      price: fill.price,
      feeUsd: fill.feeUsd,
      filledAt: new Date(fill.filledAtMs),
    });
  }
  if (terminalOrderStatuses.includes(toStatus)) await releaseReservationsOf(tx, clientOrderId, toStatus);
  return { order: updated!, changed: true, kind };
}

/**
 * Applies one event to an order in one transaction: locks the row, computes the transition,
 * appends the event, updates the row (status, exchange order id, filled quantity, volume-weighted
 * average price, fees) and, for a fill, stores it in `fills`. A fill whose id is already stored
 * for this order changes nothing and is not an error (`changed: false`).
 *
 * @throws TriplegainError `NOT_FOUND` when there is no such order; `DATA_INVALID` (nothing
 *   written) for an invalid event, a pair the transition table does not list, a fill past the
 *   ordered quantity, a fill id of another order, or an exchange order id other than the
 *   order's.
 */
export async function applyOrderEvent(db: Db, clientOrderId: string, input: OrderEventInput): Promise<OrderChange> {
  const event = parseInput(OrderEvent, input, 'order event');
  return db.transaction(async (tx) => applyToLocked(tx, await lockOrder(tx, clientOrderId), event));
}

/**
 * Claims the right to send the order: moves it from `created` to `submitting` and answers
 * `claimed: true`, or leaves it as it is and answers `claimed: false` when it is anywhere else
 * (already being sent, sent, or in flight with an unknown outcome). Of two deliveries of the
 * same execution job, exactly one claims it: only that one calls the exchange.
 *
 * @throws TriplegainError `NOT_FOUND` when there is no such order.
 */
export async function startSubmission(
  db: Db,
  clientOrderId: string,
  atMs?: number,
): Promise<{ order: OrderRow; claimed: boolean }> {
  return db.transaction(async (tx) => {
    const order = await lockOrder(tx, clientOrderId);
    if (order.status !== 'created') return { order, claimed: false };
    const change = await applyToLocked(tx, order, { kind: 'submit_started', occurredAtMs: atMs });
    return { order: change.order, claimed: true };
  });
}

async function syncLocked(
  tx: Db,
  order: OrderRow,
  exchangeOrder: ExchangeOrder,
  atMs: number | undefined,
  canceledBecause?: string,
): Promise<OrderSync> {
  if (exchangeOrder.clientOrderId !== null && exchangeOrder.clientOrderId !== order.clientOrderId) {
    throw new TriplegainError(
      'DATA_INVALID',
      `exchange order ${exchangeOrder.exchangeOrderId} has client order id ${exchangeOrder.clientOrderId}, not ${order.clientOrderId}`,
      { exchangeOrder },
    );
  }
  let current = order;
  const applied: OrderEventKind[] = [];
  for (const event of eventsToMatchExchange(order, exchangeOrder, atMs, canceledBecause)) {
    const change = await applyToLocked(tx, current, event);
    current = change.order;
    if (change.kind) applied.push(change.kind);
  }
  return { order: current, changed: applied.length > 0, applied };
}

/**
 * Brings our order to the state the exchange reports for it (the answer of `placeOrder`, or an
 * order found by reconciliation), applying the events `eventsToMatchExchange` derives, all in
 * one transaction: either the row reaches the exchange's state or nothing is written. Applying
 * the same report twice changes nothing the second time.
 *
 * @throws TriplegainError `NOT_FOUND` when there is no such order; `DATA_INVALID` (nothing
 *   written) when the report contradicts what we recorded (another client or exchange order
 *   id, less filled, a status the table does not allow from ours).
 */
export async function syncFromExchange(
  db: Db,
  clientOrderId: string,
  exchangeOrder: ExchangeOrder,
  atMs?: number,
  /** This system canceled it: the reason its `canceled` event gives (else "reported canceled by the exchange"). */
  canceledBecause?: string,
): Promise<OrderSync> {
  const reported = parseInput(ExchangeOrder, exchangeOrder, 'exchange order');
  return db.transaction(async (tx) =>
    syncLocked(tx, await lockOrder(tx, clientOrderId), reported, atMs, canceledBecause),
  );
}

/**
 * Records an order found on the exchange that we have no row for (its client order id is null
 * or not ours): a row with purpose `adopted`, no decision, proposal, correlation or intent,
 * leverage 1, born `open` with an `adopted` event, then brought to the exchange's state like
 * `syncFromExchange` (its fills, its cancel). The client order id is the exchange's, or
 * `adopted-<exchange order id>` when it has none. An order already recorded (same exchange
 * order id, or same client order id) is synced instead (`created: false`).
 *
 * @throws TriplegainError `DATA_INVALID` for a malformed or contradictory report.
 */
export async function adoptExchangeOrder(
  db: Db,
  exchange: ExchangeName,
  exchangeOrder: ExchangeOrder,
  atMs?: number,
): Promise<{ order: OrderRow; created: boolean }> {
  const ex = parseInput(ExchangeOrder, exchangeOrder, 'exchange order');
  const clientOrderId = ex.clientOrderId ?? `adopted-${ex.exchangeOrderId}`;
  const findExisting = async (tx: Db) => {
    const [row] = await tx
      .select()
      .from(orders)
      .where(
        or(
          and(eq(orders.exchange, exchange), eq(orders.exchangeOrderId, ex.exchangeOrderId)),
          eq(orders.clientOrderId, clientOrderId),
        ),
      )
      .for('update');
    return row;
  };
  return db.transaction(async (tx) => {
    const existing = await findExisting(tx);
    if (existing) return { order: (await syncLocked(tx, existing, ex, atMs)).order, created: false };

    const occurredAt = atOrNow(atMs);
    const [inserted] = await tx
      .insert(orders)
      .values({
        clientOrderId,
        exchangeOrderId: ex.exchangeOrderId,
        decisionId: null,
        proposalId: null,
        correlationId: null,
        symbol: ex.symbol,
        side: ex.side,
        type: ex.type,
        intent: null,
        purpose: 'adopted',
        cause: 'adopted',
        quantity: ex.quantity,
        limitPrice: ex.limitPrice,
        triggerPrice: ex.triggerPrice,
        status: 'open',
        exchange,
        createdAt: new Date(ex.openedAtMs),
        updatedAt: occurredAt,
      })
      // Any unique key: another replica adopting the same order at the same moment.
      .onConflictDoNothing()
      .returning();
    if (!inserted) {
      const raced = await findExisting(tx);
      if (!raced)
        throw new TriplegainError(
          'DATA_INVALID',
          `cannot adopt exchange order ${ex.exchangeOrderId}: client order id ${clientOrderId} conflicts`,
          { exchangeOrder: ex },
        );
      return { order: (await syncLocked(tx, raced, ex, atMs)).order, created: false };
    }
    await tx.insert(orderEvents).values({
      clientOrderId,
      kind: 'adopted',
      fromStatus: null,
      toStatus: 'open',
      payload: { exchangeOrder: ex },
      occurredAt,
    });
    return { order: (await syncLocked(tx, inserted, ex, atMs)).order, created: true };
  });
}
