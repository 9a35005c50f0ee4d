import { describe, expect } from 'vitest';
import { it } from '../support/fixtures.ts';
import {
  adoptExchangeOrder,
  applyOrderEvent,
  createOrder,
  startSubmission,
  syncFromExchange,
} from '../../src/orders/order-store.ts';
import { loadOrder, loadOrderEvents, loadOrderFills } from '../../src/orders/order-reads.ts';
import type { TestDatabase } from '../support/test-database.ts';
import { aNewOrder, anExchangeOrder, anExchangeOrderId } from './order-builders.ts';

describe('syncFromExchange and adoptExchangeOrder on postgres', () => {
  let t: TestDatabase;
  it.beforeAll(async ({ fileDatabase }) => {
    t = fileDatabase;
  });

  async function anOrderIn(status: 'submitting' | 'unknown') {
    const { order } = await createOrder(t.db, aNewOrder());
    await startSubmission(t.db, order.clientOrderId);
    if (status === 'unknown')
      await applyOrderEvent(t.db, order.clientOrderId, {
        kind: 'outcome_unknown',
        reason: 'EXCHANGE_UNAVAILABLE: 503',
      });
    return order.clientOrderId;
  }

  async function history(clientOrderId: string) {
    return (await loadOrderEvents(t.db, clientOrderId)).map((e) => `${e.kind}:${e.toStatus}`);
  }

  it('records the answer of the create-order call: accepted and open', async () => {
    const id = await anOrderIn('submitting');
    const reported = anExchangeOrder({ clientOrderId: id });
    const sync = await syncFromExchange(t.db, id, reported);
    expect(sync).toMatchObject({
      changed: true,
      applied: ['accepted'],
      order: { status: 'open', exchangeOrderId: reported.exchangeOrderId },
    });
    expect(await syncFromExchange(t.db, id, reported)).toMatchObject({ changed: false, applied: [] });
    expect(await history(id)).toEqual(['created:created', 'submit_started:submitting', 'accepted:open']);
  });

  it('finds an order whose outcome was unknown open, partially filled, then closed', async () => {
    const id = await anOrderIn('unknown');
    const exchangeOrderId = anExchangeOrderId();
    const partly = anExchangeOrder({
      exchangeOrderId,
      clientOrderId: id,
      filledQuantity: '0.1',
      avgFillPrice: '100.10',
      feeUsd: '0.026',
    });
    const first = await syncFromExchange(t.db, id, partly);
    expect(first).toMatchObject({
      applied: ['found_open', 'partial_fill'],
      order: {
        status: 'partially_filled',
        filledQuantity: '0.1',
        avgFillPrice: '100.1',
        feeUsd: '0.026',
        exchangeOrderId,
      },
    });

    const closed = anExchangeOrder({
      exchangeOrderId,
      clientOrderId: id,
      status: 'closed',
      filledQuantity: '0.3',
      avgFillPrice: '100.3',
      feeUsd: '0.078',
    });
    const second = await syncFromExchange(t.db, id, closed);
    expect(second).toMatchObject({
      applied: ['fill'],
      order: { status: 'filled', filledQuantity: '0.3', avgFillPrice: '100.3', feeUsd: '0.078' },
    });
    // The second fill is derived by difference: 0.2 at the price that makes the average 100.3.
    const stored = await loadOrderFills(t.db, id);
    expect(stored.map((f) => [f.fillId, f.quantity, f.price, f.feeUsd])).toEqual([
      [`${exchangeOrderId}:0.1`, '0.1', '100.1', '0.026'],
      [`${exchangeOrderId}:0.3`, '0.2', '100.4', '0.052'],
    ]);
    expect(await syncFromExchange(t.db, id, closed)).toMatchObject({ changed: false });
    expect(await history(id)).toEqual([
      'created:created',
      'submit_started:submitting',
      'outcome_unknown:unknown',
      'found_open:open',
      'partial_fill:partially_filled',
      'fill:filled',
    ]);
  });

  it('records a closed order found after a timeout as accepted and filled in one go', async () => {
    const id = await anOrderIn('submitting');
    const closed = anExchangeOrder({
      clientOrderId: id,
      status: 'closed',
      filledQuantity: '0.3',
      avgFillPrice: '68600.1',
      feeUsd: '53.5',
    });
    expect(await syncFromExchange(t.db, id, closed)).toMatchObject({
      applied: ['accepted', 'fill'],
      order: { status: 'filled', avgFillPrice: '68600.1' },
    });
  });

  it('records a cancel after a partial fill: the filled part stays', async () => {
    const id = await anOrderIn('submitting');
    const exchangeOrderId = anExchangeOrderId();
    await syncFromExchange(t.db, id, anExchangeOrder({ exchangeOrderId, clientOrderId: id }));
    const canceled = anExchangeOrder({
      exchangeOrderId,
      clientOrderId: id,
      status: 'canceled',
      filledQuantity: '0.1',
      avgFillPrice: '100',
      feeUsd: '0.02',
    });
    const sync = await syncFromExchange(t.db, id, canceled);
    expect(sync).toMatchObject({
      applied: ['partial_fill', 'canceled'],
      order: { status: 'canceled', filledQuantity: '0.1', avgFillPrice: '100', feeUsd: '0.02' },
    });
    expect(await syncFromExchange(t.db, id, canceled)).toMatchObject({ changed: false });
  });

  it('records an expiry without fills', async () => {
    const id = await anOrderIn('submitting');
    const sync = await syncFromExchange(t.db, id, anExchangeOrder({ clientOrderId: id, status: 'expired' }));
    expect(sync).toMatchObject({ applied: ['accepted', 'expired'], order: { status: 'expired', filledQuantity: '0' } });
  });

  it('refuses a report that contradicts what is recorded, and writes nothing', async () => {
    const id = await anOrderIn('submitting');
    const exchangeOrderId = anExchangeOrderId();
    await syncFromExchange(
      t.db,
      id,
      anExchangeOrder({ exchangeOrderId, clientOrderId: id, filledQuantity: '0.2', avgFillPrice: '100' }),
    );
    const before = { order: await loadOrder(t.db, id), events: await loadOrderEvents(t.db, id) };

    const contradictions = [
      anExchangeOrder({ exchangeOrderId, clientOrderId: id, filledQuantity: '0.1', avgFillPrice: '100' }),
      anExchangeOrder({
        exchangeOrderId,
        clientOrderId: id,
        status: 'closed',
        filledQuantity: '0.25',
        avgFillPrice: '100',
      }),
      anExchangeOrder({ exchangeOrderId, clientOrderId: id, filledQuantity: '0.4', avgFillPrice: '100' }),
      anExchangeOrder({ exchangeOrderId: anExchangeOrderId(), clientOrderId: id }),
      anExchangeOrder({ exchangeOrderId, clientOrderId: 'someone-else' }),
    ];
    for (const report of contradictions) {
      await expect(syncFromExchange(t.db, id, report)).rejects.toMatchObject({ code: 'DATA_INVALID' });
    }
    expect({ order: await loadOrder(t.db, id), events: await loadOrderEvents(t.db, id) }).toEqual(before);
  });

  it('adopts an order found on the exchange without a client id, in its current state, once', async () => {
    const reported = anExchangeOrder({
      type: 'limit',
      limitPrice: '99',
      side: 'sell',
      filledQuantity: '0.1',
      avgFillPrice: '99',
      feeUsd: '0.01',
    });
    const adopted = await adoptExchangeOrder(t.db, 'kraken', reported);
    expect(adopted.created).toBe(true);
    expect(adopted.order).toMatchObject({
      clientOrderId: `adopted-${reported.exchangeOrderId}`,
      exchangeOrderId: reported.exchangeOrderId,
      purpose: 'adopted',
      intent: null,
      decisionId: null,
      correlationId: null,
      side: 'sell',
      type: 'limit',
      limitPrice: '99',
      quantity: '0.3',
      filledQuantity: '0.1',
      status: 'partially_filled',
      exchange: 'kraken',
    });
    expect(adopted.order.createdAt.getTime()).toBe(reported.openedAtMs);
    const again = await adoptExchangeOrder(t.db, 'kraken', reported);
    expect(again).toMatchObject({
      created: false,
      order: { clientOrderId: adopted.order.clientOrderId, status: 'partially_filled' },
    });
    expect(await history(adopted.order.clientOrderId)).toEqual(['adopted:open', 'partial_fill:partially_filled']);

    // Adopting it later, filled, brings the same row up to date.
    const later = await adoptExchangeOrder(t.db, 'kraken', {
      ...reported,
      status: 'closed',
      filledQuantity: '0.3',
      avgFillPrice: '99',
      feeUsd: '0.03',
    });
    expect(later).toMatchObject({ created: false, order: { status: 'filled', filledQuantity: '0.3' } });
  });

  it('adopts a closed order whose client id is unknown here, under that client id', async () => {
    const reported = anExchangeOrder({
      clientOrderId: 'manual-order-7',
      status: 'closed',
      filledQuantity: '0.3',
      avgFillPrice: '50000',
      feeUsd: '39',
    });
    const adopted = await adoptExchangeOrder(t.db, 'kraken', reported);
    expect(adopted).toMatchObject({
      created: true,
      order: {
        clientOrderId: 'manual-order-7',
        status: 'filled',
        purpose: 'adopted',
        avgFillPrice: '50000',
        feeUsd: '39',
      },
    });
    expect(await history('manual-order-7')).toEqual(['adopted:open', 'fill:filled']);
  });

  it('syncs rather than adopts an order that is already ours', async () => {
    const id = await anOrderIn('unknown');
    const reported = anExchangeOrder({ clientOrderId: id });
    const result = await adoptExchangeOrder(t.db, 'kraken', reported);
    expect(result).toMatchObject({ created: false, order: { clientOrderId: id, purpose: 'entry', status: 'open' } });
  });
});
