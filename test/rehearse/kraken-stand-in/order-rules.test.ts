import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { anOrder, failure } from '../../kraken/kraken-builders.ts';
import { flatBar, START_MS, startHarness, type Harness } from './stand-in-harness.ts';

const iso = (ms: number) => new Date(ms).toISOString();

describe('Kraken stand-in: AddOrder rules, through the live path', () => {
  let h: Harness;
  beforeEach(async () => {
    h = await startHarness({ marginEnabled: true, balances: { ZUSD: '10000', XXBT: '0.5' } });
  });
  afterEach(async () => h.close());

  it("refuses an unrounded price with Kraken's text", async () => {
    const err = await failure(h.exchange.placeOrder(anOrder({ limitPrice: '50000.05' })));
    expect(err.details['krakenError']).toBe(
      'EOrder:Invalid price:XXBTZUSD price can only be specified up to 1 decimals.',
    );
    expect(h.standIn.orders()).toEqual([]);
  });

  it("refuses a volume below the pair's ordermin", async () => {
    const err = await failure(h.exchange.placeOrder(anOrder({ quantity: '0.00009' })));
    expect(err.details['krakenError']).toBe('EOrder:Order minimum not met');
    const [refusal] = h.standIn.refusals();
    expect(refusal).toMatchObject({ method: 'AddOrder', error: 'EOrder:Order minimum not met' });
    // What was asked is kept for the report, the nonce left out.
    expect(refusal?.request).toMatch(/(^| )volume=0\.00009( |$)/);
    expect(refusal?.request).not.toMatch(/nonce=/);
    // Every private request is logged with the API counter after it (AddOrder costs it nothing).
    // The pair's open orders are counted first (a limit order rests).
    expect(h.standIn.requestLog().map(({ method, counter }) => [method, counter])).toEqual([
      ['OpenOrders', 1],
      ['AddOrder', 1],
    ]);
  });

  it('refuses a leverage the pair does not list, and any leverage on an account without margin', async () => {
    const odd = await h.signed('AddOrder', {
      pair: 'XXBTZUSD',
      type: 'buy',
      ordertype: 'limit',
      price: '50000.0',
      volume: '0.01',
      leverage: '2.5',
    });
    expect(odd.error).toEqual(['EOrder:Invalid leverage']);
    const tooHigh = await h.signed('AddOrder', {
      pair: 'XBTUSDT',
      type: 'buy',
      ordertype: 'limit',
      price: '50000.0',
      volume: '0.01',
      leverage: '5',
    });
    expect(tooHigh.error).toEqual(['EOrder:Invalid leverage']);

    const spot = await startHarness({ marginEnabled: false });
    try {
      // Raw: the live path itself sends no leverage unless execution.margin is on.
      const margin = await spot.signed('AddOrder', {
        pair: 'XXBTZUSD',
        type: 'buy',
        ordertype: 'limit',
        price: '50000.0',
        volume: '0.01',
        leverage: '2',
      });
      expect(margin.error).toEqual(['EOrder:Cannot open position']);
    } finally {
      await spot.close();
    }
  });

  it('refuses a sell the base cannot cover because a resting sell stop holds it', async () => {
    await h.exchange.placeOrder(
      anOrder({
        clientOrderId: 'stop-1',
        side: 'sell',
        type: 'stop-loss',
        limitPrice: undefined,
        triggerPrice: '40000.0',
        quantity: '0.5',
      }),
    );
    const err = await failure(
      h.exchange.placeOrder(
        anOrder({ clientOrderId: 'tp-1', side: 'sell', type: 'limit', limitPrice: '70000.0', quantity: '0.1' }),
      ),
    );
    expect(err.details['krakenError']).toBe('EOrder:Insufficient funds');
    // The report says what the stand-in saw; the answer on the wire is Kraken's text alone.
    expect(h.standIn.refusals().at(-1)?.detail).toBe('needs 0.1 XXBT; balance 0.5, held by open orders 0.5');

    const held = await h.signed('BalanceEx');
    expect(held.result!['XXBT']).toEqual({ balance: '0.5', hold_trade: '0.5' });
  });

  it('refuses a cl_ord_id an open order carries, and takes it again once that order is closed', async () => {
    const first = await h.exchange.placeOrder(anOrder());
    const err = await failure(h.exchange.placeOrder(anOrder()));
    expect(err.details['krakenError']).toBe('EGeneral:Invalid arguments:cl_ord_id');

    await h.exchange.cancelOrder(first.exchangeOrderId);
    const again = await h.exchange.placeOrder(anOrder());
    expect(again.exchangeOrderId).not.toBe(first.exchangeOrderId);
    expect(h.standIn.orders().map((o) => o.status)).toEqual(['canceled', 'open']);
  });

  it('refuses an order whose deadline has passed, and one more than 60 s ahead', async () => {
    const order = { pair: 'XBTUSD', type: 'buy', ordertype: 'limit', price: '50000.0', volume: '0.01' };
    expect((await h.signed('AddOrder', { ...order, deadline: iso(START_MS - 1_000) })).error).toEqual([
      'EService:Deadline elapsed',
    ]);
    expect((await h.signed('AddOrder', { ...order, deadline: iso(START_MS + 61_000) })).error).toEqual([
      'EGeneral:Invalid arguments:deadline',
    ]);
    const inTime = await h.signed('AddOrder', { ...order, deadline: iso(START_MS + 30_000) });
    expect(inTime.error).toEqual([]);
    expect(h.standIn.orders()).toHaveLength(1);
  });

  it('validates without placing: Kraken answers the description and no txid', async () => {
    const order = {
      pair: 'XXBTZUSD',
      type: 'buy',
      ordertype: 'limit',
      price: '50000.0',
      volume: '0.01',
      validate: 'true',
    };
    expect(await h.signed('AddOrder', order)).toEqual({
      error: [],
      result: { descr: { order: 'buy 0.01000000 XBTUSD @ limit 50000.0' } },
    });
    expect((await h.signed('AddOrder', { ...order, price: '50000.01' })).error).toEqual([
      'EOrder:Invalid price:XXBTZUSD price can only be specified up to 1 decimals.',
    ]);
    expect(h.standIn.orders()).toEqual([]);
  });

  it('refuses the open order past the tier limit on a pair (starter: 60)', async () => {
    for (let i = 0; i < 60; i++) {
      // One second apart, so that the trading counter (starter: −1/s) stays low.
      h.clock.advance(1_000);
      const placed = await h.signed('AddOrder', {
        pair: 'XXBTZUSD',
        type: 'buy',
        ordertype: 'limit',
        price: '10000.0',
        volume: '0.001',
      });
      expect(placed.error).toEqual([]);
    }
    h.clock.advance(1_000);
    const over = await h.signed('AddOrder', {
      pair: 'XXBTZUSD',
      type: 'buy',
      ordertype: 'limit',
      price: '10000.0',
      volume: '0.001',
    });
    expect(over.error).toEqual(['EOrder:Orders limit exceeded']);
    // Another pair has its own limit.
    const other = await h.signed('AddOrder', {
      pair: 'XXRPZUSD',
      type: 'buy',
      ordertype: 'limit',
      price: '0.5',
      volume: '20',
    });
    expect(other.error).toEqual([]);
  });

  it('refuses a market order before the first bar, and costs it at the last close after', async () => {
    const market = anOrder({ type: 'market', limitPrice: undefined, quantity: '0.0001' });
    expect((await failure(h.exchange.placeOrder(market))).details['krakenError']).toBe('EService:Unavailable');
    h.standIn.applyBar('BTC/USD', flatBar('1000.0'));
    // 0.0001 × 1000 = 0.1 < costmin 0.5.
    expect((await failure(h.exchange.placeOrder({ ...market, clientOrderId: 'm-2' }))).details['krakenError']).toBe(
      'EOrder:Cost minimum not met',
    );
  });
});
