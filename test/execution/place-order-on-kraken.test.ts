import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { KrakenExchange } from '../../src/kraken/kraken-exchange.ts';
import { placeOrderOnce } from '../../src/execution/place-order-once.ts';
import { InstrumentBook } from '../../src/market/instrument-book.ts';
import { silentLogger } from '../../src/shared/logger.ts';
import { aKrakenClient } from '../kraken/kraken-builders.ts';
import { startKrakenPrivateServer, type KrakenPrivateServer } from '../support/kraken-private-server.ts';
import { createTaskHarness, type TaskHarness } from '../support/task-harness.ts';

const CLOCK_MS = Date.UTC(2024, 0, 10, 12);

describe('placeOrderOnce on Kraken: the one place orders leave', () => {
  let h: TaskHarness;
  let server: KrakenPrivateServer;

  beforeEach(async () => {
    h = await createTaskHarness({ clockMs: CLOCK_MS });
    server = await startKrakenPrivateServer();
  });
  afterEach(async () => {
    await server.close();
    await h.cleanup();
  });

  const kraken = (margin: boolean) =>
    new KrakenExchange({
      client: aKrakenClient({ baseUrl: server.url, redis: h.t.redis, keys: h.t.keys }),
      clock: h.clock,
      margin,
    });
  const place = (
    exchange: KrakenExchange,
    order: { clientOrderId: string; side: 'buy' | 'sell'; limitPrice: string; quantity: string; leverage: number },
    instruments = InstrumentBook.shipped(),
  ) =>
    placeOrderOnce(
      { db: h.database.db, redis: h.t.redis, keys: h.t.keys, clock: h.clock, logger: silentLogger, instruments },
      exchange,
      {
        decisionId: null,
        proposalId: null,
        cause: 'operator',
        correlationId: 'c',
        symbol: 'BTC/USD',
        type: 'limit',
        intent: 'entry',
        purpose: 'entry',
        ...order,
      },
      { fenceIntent: 'entry', ttlMs: 5_000 },
    );
  const addOrders = () =>
    server.requests
      .filter((r) => r.method === 'AddOrder')
      .map((r) => Object.fromEntries([...r.params].filter(([k]) => k !== 'nonce')));

  it("sends the price on the pair's tick, the volume cut to its lot and the leverage snapped down to a whole one the pair lists, with a deadline", async () => {
    const outcome = await place(kraken(true), {
      clientOrderId: '6d1b345e-2821-40e2-ad83-4ecb18a06876',
      side: 'buy',
      limitPrice: '50000.07',
      quantity: '0.012345678',
      leverage: 2.6,
    });
    expect(outcome.status).toBe('submitted');
    expect(addOrders()).toEqual([
      {
        pair: 'XXBTZUSD',
        type: 'buy',
        ordertype: 'limit',
        volume: '0.01234567',
        price: '50000.1',
        leverage: '2',
        cl_ord_id: '6d1b345e-2821-40e2-ad83-4ecb18a06876',
        deadline: expect.stringMatching(/^\d{4}-\d{2}-\d{2}T\d{2}:\d{2}:\d{2}\.\d{3}Z$/),
      },
    ]);
    expect(outcome.order.leverage).toBe('2');
  });

  it('sends a spot order with no leverage and no reduce_only', async () => {
    await place(kraken(false), {
      clientOrderId: '6d1b345e-2821-40e2-ad83-4ecb18a06877',
      side: 'buy',
      limitPrice: '50000',
      quantity: '0.01',
      leverage: 1,
    });
    const [sent] = addOrders();
    expect(sent).not.toHaveProperty('leverage');
    expect(sent).not.toHaveProperty('reduce_only');
  });

  it('records a leveraged order on a spot-only pair denied, and sends nothing', async () => {
    const spotOnly = new InstrumentBook([
      { ...InstrumentBook.shipped().get('BTC/USD'), leverageBuy: [], leverageSell: [] },
    ]);
    const outcome = await place(
      kraken(true),
      {
        clientOrderId: '6d1b345e-2821-40e2-ad83-4ecb18a06878',
        side: 'buy',
        limitPrice: '50000',
        quantity: '0.01',
        leverage: 3,
      },
      spotOnly,
    );
    expect(outcome).toMatchObject({ status: 'refused', order: { status: 'denied' } });
    expect(outcome.reason).toContain('leverage 3 is not one XXBTZUSD allows for a buy (spot only)');
    expect(addOrders()).toEqual([]);
  });

  it('never lets a leveraged order leave without margin: the exchange refuses it before sending', async () => {
    const outcome = await place(kraken(false), {
      clientOrderId: '6d1b345e-2821-40e2-ad83-4ecb18a06879',
      side: 'sell',
      limitPrice: '50000',
      quantity: '0.01',
      leverage: 2,
    });
    expect(outcome).toMatchObject({ status: 'rejected', order: { status: 'rejected' } });
    expect(addOrders()).toEqual([]);
  });

  it('withdraws at once an order known never to have left (its open orders could not be counted): no reconciliation is waited for', async () => {
    server.override('OpenOrders', { body: { error: ['EAPI:Invalid nonce'] }, times: 1 });
    const outcome = await place(kraken(false), {
      clientOrderId: '6d1b345e-2821-40e2-ad83-4ecb18a0687a',
      side: 'buy',
      limitPrice: '50000',
      quantity: '0.01',
      leverage: 1,
    });
    expect(outcome).toMatchObject({ status: 'refused', order: { status: 'canceled' } });
    expect(outcome.reason).toMatch(/not sent: .*open orders could not be counted.*EAPI:Invalid nonce/);
    expect(addOrders()).toEqual([]);

    // The same order asked again later is not sent twice: the withdrawn row stands.
    expect(
      await place(kraken(false), {
        clientOrderId: '6d1b345e-2821-40e2-ad83-4ecb18a0687a',
        side: 'buy',
        limitPrice: '50000',
        quantity: '0.01',
        leverage: 1,
      }),
    ).toMatchObject({ status: 'already' });
  });

  it('leaves an order whose AddOrder may have arrived unknown, for reconciliation', async () => {
    server.override('AddOrder', { disconnect: true, times: 1 });
    const outcome = await place(kraken(false), {
      clientOrderId: '6d1b345e-2821-40e2-ad83-4ecb18a0687b',
      side: 'buy',
      limitPrice: '50000',
      quantity: '0.01',
      leverage: 1,
    });
    expect(outcome).toMatchObject({ status: 'unknown', order: { status: 'unknown' } });
  });
});
