import { eq } from 'drizzle-orm';
import { afterAll, beforeAll, describe, expect } from 'vitest';
import { it } from '../support/fixtures.ts';
import { fills, orderEvents, orders } from '../../src/db/schema/index.ts';
import { applyOrderEvent, createOrder, startSubmission } from '../../src/orders/order-store.ts';
import { loadOrder, loadOrderEvents, loadOrderFills, ordersToReconcile } from '../../src/orders/order-reads.ts';
import { TriplegainError } from '../../src/shared/triplegain-error.ts';
import { expectPgError } from '../support/pg-error-code.ts';
import { createTestDatabase, type TestDatabase } from '../support/test-database.ts';
import { aFill, aNewOrder, anExchangeOrderId } from './order-builders.ts';

const UNIQUE_VIOLATION = '23505';

describe('order store on postgres', () => {
  let t: TestDatabase;
  it.beforeAll(async ({ fileDatabase }) => {
    t = fileDatabase;
  });

  /** An order the exchange has accepted: status open. */
  async function anOpenOrder(overrides: Parameters<typeof aNewOrder>[0] = {}) {
    const { order } = await createOrder(t.db, aNewOrder(overrides));
    await applyOrderEvent(t.db, order.clientOrderId, { kind: 'submit_started' });
    const { order: open } = await applyOrderEvent(t.db, order.clientOrderId, {
      kind: 'accepted',
      exchangeOrderId: anExchangeOrderId(),
    });
    return open;
  }

  /** Everything stored about an order, to show that a refused event wrote nothing. */
  async function snapshot(clientOrderId: string) {
    return {
      order: await loadOrder(t.db, clientOrderId),
      events: await loadOrderEvents(t.db, clientOrderId),
      fills: await loadOrderFills(t.db, clientOrderId),
    };
  }

  it('creates one row for the same order created twice (the same job delivered twice)', async () => {
    const input = aNewOrder({ limitPrice: '68600.1', type: 'limit' });
    const first = await createOrder(t.db, input);
    const second = await createOrder(t.db, input);
    expect(first.created).toBe(true);
    expect(second.created).toBe(false);
    expect(second.order).toEqual(first.order);
    expect(first.order).toMatchObject({
      status: 'created',
      quantity: '0.3',
      filledQuantity: '0',
      avgFillPrice: null,
      feeUsd: '0',
      limitPrice: '68600.1',
      leverage: '1',
      purpose: 'entry',
    });
    expect(await t.db.select().from(orders).where(eq(orders.clientOrderId, input.clientOrderId))).toHaveLength(1);
    const events = await loadOrderEvents(t.db, input.clientOrderId);
    expect(events.map((e) => [e.kind, e.fromStatus, e.toStatus])).toEqual([['created', null, 'created']]);
  });

  it('creates one row when the same order is created concurrently', async () => {
    const input = aNewOrder();
    const results = await Promise.all([createOrder(t.db, input), createOrder(t.db, input), createOrder(t.db, input)]);
    expect(results.filter((r) => r.created)).toHaveLength(1);
    expect(await loadOrderEvents(t.db, input.clientOrderId)).toHaveLength(1);
  });

  it('refuses a client order id already used by a different order', async () => {
    const input = aNewOrder();
    await createOrder(t.db, input);
    await expect(createOrder(t.db, { ...input, quantity: '0.4' })).rejects.toMatchObject({
      code: 'DATA_INVALID',
      message: expect.stringMatching(/already used by a different order/),
    });
  });

  it('refuses an invalid order, naming the field', async () => {
    await expect(createOrder(t.db, aNewOrder({ type: 'limit' }))).rejects.toMatchObject({
      code: 'DATA_INVALID',
      message: expect.stringMatching(/limitPrice: a limit order needs limitPrice/),
    });
    await expect(createOrder(t.db, aNewOrder({ quantity: '0.1234567890123456789' }))).rejects.toMatchObject({
      code: 'DATA_INVALID',
      message: expect.stringMatching(/quantity: at most 18 decimals/),
    });
  });

  it('lets exactly one of two concurrent deliveries claim the submission', async () => {
    const { order } = await createOrder(t.db, aNewOrder());
    const claims = await Promise.all([
      startSubmission(t.db, order.clientOrderId),
      startSubmission(t.db, order.clientOrderId),
      startSubmission(t.db, order.clientOrderId),
    ]);
    expect(claims.filter((c) => c.claimed)).toHaveLength(1);
    expect(claims.every((c) => c.order.status === 'submitting')).toBe(true);
    const kinds = (await loadOrderEvents(t.db, order.clientOrderId)).map((e) => e.kind);
    expect(kinds).toEqual(['created', 'submit_started']);
  });

  it('records fills with a volume-weighted average price and summed fees, in decimals', async () => {
    const order = await anOpenOrder();
    const partial = await applyOrderEvent(
      t.db,
      order.clientOrderId,
      aFill(`${order.clientOrderId}-t1`, '0.1', '100.10', '0.026'),
    );
    expect(partial).toMatchObject({
      changed: true,
      kind: 'partial_fill',
      order: { status: 'partially_filled', filledQuantity: '0.1', avgFillPrice: '100.1', feeUsd: '0.026' },
    });
    const complete = await applyOrderEvent(
      t.db,
      order.clientOrderId,
      aFill(`${order.clientOrderId}-t2`, '0.2', '100.40', '0.052'),
    );
    // (0.1 × 100.10 + 0.2 × 100.40) / 0.3 = 30.09 / 0.3 = 100.3 exactly: no float residue.
    expect(complete).toMatchObject({
      changed: true,
      kind: 'fill',
      order: { status: 'filled', filledQuantity: '0.3', avgFillPrice: '100.3', feeUsd: '0.078' },
    });

    const events = await loadOrderEvents(t.db, order.clientOrderId);
    expect(events.map((e) => [e.kind, e.fromStatus, e.toStatus])).toEqual([
      ['created', null, 'created'],
      ['submit_started', 'created', 'submitting'],
      ['accepted', 'submitting', 'open'],
      ['partial_fill', 'open', 'partially_filled'],
      ['fill', 'partially_filled', 'filled'],
    ]);
    expect(events[3]!.payload).toEqual({
      fill: {
        fillId: `${order.clientOrderId}-t1`,
        quantity: '0.1',
        price: '100.10',
        feeUsd: '0.026',
        filledAtMs: 1_700_000_030_000,
      },
    });
    const stored = await loadOrderFills(t.db, order.clientOrderId);
    expect(stored.map((f) => [f.quantity, f.price, f.feeUsd, f.side, f.symbol, f.exchangeOrderId])).toEqual([
      ['0.1', '100.1', '0.026', 'buy', 'BTC/USD', order.exchangeOrderId],
      ['0.2', '100.4', '0.052', 'buy', 'BTC/USD', order.exchangeOrderId],
    ]);
  });

  it('refuses a fill beyond the ordered quantity and writes nothing', async () => {
    const order = await anOpenOrder();
    await applyOrderEvent(t.db, order.clientOrderId, aFill(`${order.clientOrderId}-t1`, '0.2', '100'));
    const before = await snapshot(order.clientOrderId);
    const attempt = applyOrderEvent(
      t.db,
      order.clientOrderId,
      aFill(`${order.clientOrderId}-t2`, '0.100000000000000001', '100'),
    );
    await expect(attempt).rejects.toBeInstanceOf(TriplegainError);
    await expect(attempt).rejects.toMatchObject({
      code: 'DATA_INVALID',
      message: expect.stringMatching(/past its quantity 0\.3/),
    });
    expect(await snapshot(order.clientOrderId)).toEqual(before);
    expect(
      await t.db
        .select()
        .from(fills)
        .where(eq(fills.fillId, `${order.clientOrderId}-t2`)),
    ).toEqual([]);
  });

  it('stores the same fill once when it is reported twice', async () => {
    const order = await anOpenOrder();
    const fill = aFill(`${order.clientOrderId}-t1`, '0.1', '100');
    const first = await applyOrderEvent(t.db, order.clientOrderId, fill);
    const again = await applyOrderEvent(t.db, order.clientOrderId, fill);
    expect(again).toEqual({ order: first.order, changed: false, kind: null });
    expect(await loadOrderFills(t.db, order.clientOrderId)).toHaveLength(1);
    expect((await loadOrderEvents(t.db, order.clientOrderId)).filter((e) => e.kind === 'partial_fill')).toHaveLength(1);
    expect((await loadOrder(t.db, order.clientOrderId))!.filledQuantity).toBe('0.1');
  });

  it('refuses a fill id that belongs to another order', async () => {
    const a = await anOpenOrder();
    const b = await anOpenOrder();
    await applyOrderEvent(t.db, a.clientOrderId, aFill(`${a.clientOrderId}-t1`, '0.1', '100'));
    await expect(
      applyOrderEvent(t.db, b.clientOrderId, aFill(`${a.clientOrderId}-t1`, '0.1', '100')),
    ).rejects.toMatchObject({ code: 'DATA_INVALID', message: expect.stringMatching(/belongs to order/) });
    expect(await loadOrderFills(t.db, b.clientOrderId)).toEqual([]);
  });

  it('writes no event when the transition is not in the table', async () => {
    const { order } = await createOrder(t.db, aNewOrder());
    const before = await snapshot(order.clientOrderId);
    await expect(
      applyOrderEvent(t.db, order.clientOrderId, { kind: 'accepted', exchangeOrderId: anExchangeOrderId() }),
    ).rejects.toMatchObject({
      code: 'DATA_INVALID',
      message: `order: no transition from created on accepted (order ${order.clientOrderId})`,
    });
    await expect(
      applyOrderEvent(t.db, order.clientOrderId, aFill(`${order.clientOrderId}-t1`, '0.1', '100')),
    ).rejects.toMatchObject({ code: 'DATA_INVALID' });
    expect(await snapshot(order.clientOrderId)).toEqual(before);
  });

  it('rolls the event back when the row update fails: event and row change in one transaction', async () => {
    const taken = await anOpenOrder();
    const { order } = await createOrder(t.db, aNewOrder());
    await applyOrderEvent(t.db, order.clientOrderId, { kind: 'submit_started' });
    const before = await snapshot(order.clientOrderId);
    // The event is inserted first; the row update then violates the unique exchange order id.
    await expectPgError(
      () => applyOrderEvent(t.db, order.clientOrderId, { kind: 'accepted', exchangeOrderId: taken.exchangeOrderId! }),
      UNIQUE_VIOLATION,
    );
    expect(await snapshot(order.clientOrderId)).toEqual(before);
    expect(
      await t.db.select().from(orderEvents).where(eq(orderEvents.clientOrderId, order.clientOrderId)),
    ).toHaveLength(2);
  });

  it('refuses an event naming another exchange order id than the order has', async () => {
    const order = await anOpenOrder();
    await expect(
      applyOrderEvent(t.db, order.clientOrderId, { kind: 'canceled', exchangeOrderId: 'OTHER-ID' }),
    ).rejects.toMatchObject({ code: 'DATA_INVALID', message: expect.stringMatching(/is exchange order/) });
  });

  it('keeps an order whose outcome is unknown in flight: never claimed again until reconciliation proves it unsent', async () => {
    const { order } = await createOrder(t.db, aNewOrder());
    expect((await startSubmission(t.db, order.clientOrderId)).claimed).toBe(true);
    const unknown = await applyOrderEvent(t.db, order.clientOrderId, {
      kind: 'outcome_unknown',
      reason: 'TIMEOUT: no answer within 10000 ms',
    });
    expect(unknown.order.status).toBe('unknown');
    expect(await startSubmission(t.db, order.clientOrderId)).toMatchObject({
      claimed: false,
      order: { status: 'unknown' },
    });
    await expect(applyOrderEvent(t.db, order.clientOrderId, { kind: 'submit_started' })).rejects.toMatchObject({
      code: 'DATA_INVALID',
    });

    const notFound = await applyOrderEvent(t.db, order.clientOrderId, {
      kind: 'not_found',
      reason: 'no open or closed order with this client id',
    });
    expect(notFound.order.status).toBe('created');
    // Now resending is a deliberate step, with the same client order id.
    expect(await startSubmission(t.db, order.clientOrderId)).toMatchObject({
      claimed: true,
      order: { status: 'submitting' },
    });
    const kinds = (await loadOrderEvents(t.db, order.clientOrderId)).map((e) => e.kind);
    expect(kinds).toEqual(['created', 'submit_started', 'outcome_unknown', 'not_found', 'submit_started']);
  });

  it('records a denial by the submission fence and a rejection by the exchange as terminal', async () => {
    const { order: a } = await createOrder(t.db, aNewOrder());
    expect(
      (await applyOrderEvent(t.db, a.clientOrderId, { kind: 'denied', reason: 'trading state PAUSED refuses entries' }))
        .order.status,
    ).toBe('denied');
    const { order: b } = await createOrder(t.db, aNewOrder());
    await startSubmission(t.db, b.clientOrderId);
    const rejected = await applyOrderEvent(t.db, b.clientOrderId, {
      kind: 'rejected',
      reason: 'EOrder:Insufficient funds',
    });
    expect(rejected.order.status).toBe('rejected');
    expect((await loadOrderEvents(t.db, b.clientOrderId)).at(-1)!.payload).toEqual({
      reason: 'EOrder:Insufficient funds',
    });
  });

  it('keeps a partial fill when the rest is canceled, and records a fill reported after the cancel', async () => {
    const order = await anOpenOrder();
    await applyOrderEvent(t.db, order.clientOrderId, aFill(`${order.clientOrderId}-t1`, '0.1', '100'));
    expect(
      (await applyOrderEvent(t.db, order.clientOrderId, { kind: 'canceled', reason: 'operator' })).order,
    ).toMatchObject({ status: 'canceled', filledQuantity: '0.1' });
    const late = await applyOrderEvent(t.db, order.clientOrderId, aFill(`${order.clientOrderId}-t2`, '0.1', '101'));
    expect(late).toMatchObject({
      kind: 'partial_fill',
      order: { status: 'canceled', filledQuantity: '0.2', avgFillPrice: '100.5' },
    });
  });

  it('stores the times given with events', async () => {
    const { order } = await createOrder(t.db, aNewOrder({ createdAtMs: 1_700_000_000_000 }));
    await applyOrderEvent(t.db, order.clientOrderId, { kind: 'submit_started', occurredAtMs: 1_700_000_001_000 });
    const events = await loadOrderEvents(t.db, order.clientOrderId);
    expect(events.map((e) => e.occurredAt.getTime())).toEqual([1_700_000_000_000, 1_700_000_001_000]);
    expect((await loadOrder(t.db, order.clientOrderId))!.updatedAt.getTime()).toBe(1_700_000_001_000);
  });

  it('throws NOT_FOUND for an event on an order that does not exist', async () => {
    await expect(applyOrderEvent(t.db, 'no-such-order', { kind: 'submit_started' })).rejects.toMatchObject({
      code: 'NOT_FOUND',
    });
  });

  it('lists the orders to reconcile: not sent, in flight or working, never final ones', async () => {
    const created = (await createOrder(t.db, aNewOrder({ exchange: 'paper' }))).order;
    const open = await anOpenOrder({ exchange: 'paper' });
    const { order: denied } = await createOrder(t.db, aNewOrder({ exchange: 'paper' }));
    await applyOrderEvent(t.db, denied.clientOrderId, { kind: 'denied', reason: 'HALTED' });
    const ids = (await ordersToReconcile(t.db, 'paper')).map((o) => o.clientOrderId);
    expect(ids).toEqual([created.clientOrderId, open.clientOrderId]);
    expect(
      (await ordersToReconcile(t.db)).every((o) =>
        ['created', 'submitting', 'unknown', 'open', 'partially_filled'].includes(o.status),
      ),
    ).toBe(true);
  });
});

describe('order store on pglite', () => {
  let t: TestDatabase;
  beforeAll(async () => {
    t = await createTestDatabase('pglite');
  });
  afterAll(async () => {
    await t?.cleanup();
  });

  it('runs an order through its lifecycle with decimal fills and refuses an overfill', async () => {
    const { order } = await createOrder(t.db, aNewOrder());
    expect((await startSubmission(t.db, order.clientOrderId)).claimed).toBe(true);
    await applyOrderEvent(t.db, order.clientOrderId, { kind: 'accepted', exchangeOrderId: anExchangeOrderId() });
    await applyOrderEvent(t.db, order.clientOrderId, aFill('t1', '0.1', '100.10'));
    await expect(applyOrderEvent(t.db, order.clientOrderId, aFill('t2', '0.3', '100.40'))).rejects.toMatchObject({
      code: 'DATA_INVALID',
    });
    const done = await applyOrderEvent(t.db, order.clientOrderId, aFill('t2', '0.2', '100.40'));
    expect(done.order).toMatchObject({ status: 'filled', filledQuantity: '0.3', avgFillPrice: '100.3' });
    expect((await loadOrderEvents(t.db, order.clientOrderId)).map((e) => e.kind)).toEqual([
      'created',
      'submit_started',
      'accepted',
      'partial_fill',
      'fill',
    ]);
    expect(await loadOrderFills(t.db, order.clientOrderId)).toHaveLength(2);
  });
});
