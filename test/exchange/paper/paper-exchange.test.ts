import { eq, sql } from 'drizzle-orm';
import { describe, expect } from 'vitest';
import { it } from '../../support/fixtures.ts';
import { ManualClock } from '../../../src/clock/clock.ts';
import { paperOrders } from '../../../src/db/schema/paper-orders.ts';
import type { PlaceOrderRequest } from '../../../src/exchange/exchange-port.ts';
import { writePaperBalances } from '../../../src/exchange/paper/paper-account-store.ts';
import {
  PaperExchange,
  type PaperExchangeConfig,
  type PaperExchangeDeps,
} from '../../../src/exchange/paper/paper-exchange.ts';
import { InstrumentBook } from '../../../src/market/instrument-book.ts';
import { Instrument } from '../../../src/market/instrument.ts';
import { TriplegainError } from '../../../src/shared/triplegain-error.ts';
import type { TestDatabase } from '../../support/test-database.ts';
import { aBar, aPlaceOrder, HOUR_MS, paperConfig, T0_MS } from './paper-builders.ts';

async function rejection(work: Promise<unknown>): Promise<TriplegainError> {
  const err = await work.then(
    () => undefined,
    (e: unknown) => e,
  );
  expect(err).toBeInstanceOf(TriplegainError);
  return err as TriplegainError;
}

describe('PaperExchange', () => {
  let t: TestDatabase;
  let clock: ManualClock;
  it.beforeEach(async ({ database }) => {
    t = database;
    clock = new ManualClock(T0_MS);
  });

  function paperExchange(
    overrides: Partial<PaperExchangeConfig> = {},
    instruments?: PaperExchangeDeps['instruments'],
  ): PaperExchange {
    return new PaperExchange({
      db: t.db,
      config: paperConfig(overrides),
      clock,
      instruments: instruments ?? InstrumentBook.shipped(),
    });
  }

  /** The stored row of the order with `clientOrderId` (what the exchange port does not show: trigger state, last bar matched). */
  async function storedOrder(clientOrderId: string) {
    const [row] = await t.db.select().from(paperOrders).where(eq(paperOrders.clientOrderId, clientOrderId));
    return row;
  }

  /** Passes bar `n` (its own clock time: the bar's close) to the exchange. */
  async function bar(exchange: PaperExchange, n: number, overrides: Parameters<typeof aBar>[1] = {}) {
    clock.set(T0_MS + (n + 1) * HOUR_MS);
    return exchange.onPrice('BTC/USD', aBar(n, overrides));
  }

  /** Buys `quantity` BTC at 20 000 with a limit order (maker fee 0.25 %). */
  async function holdBtc(exchange: PaperExchange, quantity: string, n = 0): Promise<void> {
    await exchange.placeOrder(aPlaceOrder({ type: 'limit', limitPrice: '20000', quantity }));
    const fills = await bar(exchange, n);
    expect(fills).toHaveLength(1);
  }

  it('starts with the starting cash in the cash asset', async () => {
    expect(await paperExchange({ startingCashUsd: '2500.5' }).balances()).toEqual({ USD: '2500.5' });
  });

  it('fills a market buy at the next bar open plus slippage, with the taker fee', async () => {
    const exchange = paperExchange();
    await bar(exchange, 0, { close: '19900', low: '19900' });
    const placed = await exchange.placeOrder(aPlaceOrder({ clientOrderId: 'mkt-1', quantity: '0.1' }));
    expect(placed).toMatchObject({
      status: 'open',
      type: 'market',
      filledQuantity: '0',
      avgFillPrice: null,
      feeUsd: '0',
      openedAtMs: T0_MS + HOUR_MS,
    });
    expect(placed.exchangeOrderId).toMatch(/^O[A-Z2-7]{5}-[A-Z2-7]{5}-[A-Z2-7]{6}$/);

    const fills = await bar(exchange, 1, { open: '20000', high: '20300', low: '19800', close: '20200' });
    expect(fills).toEqual([
      {
        fillId: expect.stringMatching(/^T[A-Z2-7]{5}-[A-Z2-7]{5}-[A-Z2-7]{6}$/),
        exchangeOrderId: placed.exchangeOrderId,
        clientOrderId: 'mkt-1',
        symbol: 'BTC/USD',
        side: 'buy',
        quantity: '0.1',
        price: '20010',
        feeUsd: '8.004',
        atMs: T0_MS + 2 * HOUR_MS,
      },
    ]);
    expect(await exchange.findByClientOrderId('mkt-1')).toMatchObject({
      status: 'closed',
      filledQuantity: '0.1',
      avgFillPrice: '20010',
      feeUsd: '8.004',
    });
    expect(await exchange.balances()).toEqual({ BTC: '0.1', USD: '7990.996' });
  });

  it('refuses a market buy before it has seen a price of the pair (retryable, nothing stored)', async () => {
    const exchange = paperExchange();
    const err = await rejection(exchange.placeOrder(aPlaceOrder({ clientOrderId: 'early' })));
    expect(err).toMatchObject({ code: 'EXCHANGE_UNAVAILABLE', retryable: true });
    expect(await exchange.findByClientOrderId('early')).toBeNull();
  });

  it('rests a limit buy until the low crosses the limit, then fills at the limit with the maker fee', async () => {
    const exchange = paperExchange();
    const placed = await exchange.placeOrder(aPlaceOrder({ type: 'limit', limitPrice: '19000', quantity: '0.1' }));
    expect(await bar(exchange, 0, { open: '19500', high: '19600', low: '19000.5', close: '19200' })).toEqual([]);
    expect(await exchange.openOrders()).toEqual([
      expect.objectContaining({ exchangeOrderId: placed.exchangeOrderId, status: 'open' }),
    ]);

    const fills = await bar(exchange, 1, { open: '19200', high: '19300', low: '18900', close: '19100' });
    expect(fills).toMatchObject([{ price: '19000', quantity: '0.1', feeUsd: '4.75' }]);
    expect(await exchange.openOrders()).toEqual([]);
    expect(await exchange.balances()).toEqual({ BTC: '0.1', USD: '8095.25' });
  });

  it('fills a limit buy at the open when the bar gaps down through the limit', async () => {
    const exchange = paperExchange();
    await exchange.placeOrder(aPlaceOrder({ type: 'limit', limitPrice: '19000', quantity: '0.1' }));
    expect(await bar(exchange, 0, { open: '18500', high: '18700', low: '18400', close: '18600' })).toMatchObject([
      { price: '18500', feeUsd: '4.625' },
    ]);
  });

  it('fills a stop-loss sell crossed inside the bar at the stop minus slippage', async () => {
    const exchange = paperExchange();
    await holdBtc(exchange, '0.1');
    await exchange.placeOrder(
      aPlaceOrder({ clientOrderId: 'sl-1', side: 'sell', type: 'stop-loss', triggerPrice: '19000', quantity: '0.1' }),
    );
    expect(await bar(exchange, 1, { open: '19500', high: '19600', low: '19000.01', close: '19100' })).toEqual([]);
    expect(await bar(exchange, 2, { open: '19500', high: '19600', low: '18800', close: '18900' })).toMatchObject([
      { clientOrderId: 'sl-1', side: 'sell', price: '18990.5', feeUsd: '7.5962' },
    ]);
  });

  it('fills a stop-loss sell that the market gaps down through at the gap (open) price, not the stop', async () => {
    const exchange = paperExchange();
    await holdBtc(exchange, '0.1');
    await exchange.placeOrder(aPlaceOrder({ side: 'sell', type: 'stop-loss', triggerPrice: '19000', quantity: '0.1' }));
    const [fill] = await bar(exchange, 1, { open: '18000', high: '18200', low: '17900', close: '18100' });
    expect(fill).toMatchObject({ price: '17991', feeUsd: '7.1964' }); // 18000 × 0.9995; 0.1 × 17991 × 0.4 %
    // 10000 − 2000 − 5 (maker buy) + 1799.1 − 7.1964
    expect(await exchange.balances()).toEqual({ BTC: '0', USD: '9786.9036' });
  });

  it('fills a take-profit sell when the high reaches the target', async () => {
    const exchange = paperExchange();
    await holdBtc(exchange, '0.1');
    await exchange.placeOrder(
      aPlaceOrder({ side: 'sell', type: 'take-profit', triggerPrice: '21000', quantity: '0.1' }),
    );
    expect(await bar(exchange, 1, { open: '20500', high: '20999', low: '20400', close: '20900' })).toEqual([]);
    expect(await bar(exchange, 2, { open: '20900', high: '21300', low: '20800', close: '21200' })).toMatchObject([
      { price: '20989.5' },
    ]);
  });

  it('fills an order larger than the bar-volume share partially, completing over later bars', async () => {
    const exchange = paperExchange({ startingCashUsd: '100000' });
    const placed = await exchange.placeOrder(
      aPlaceOrder({ clientOrderId: 'big', type: 'limit', limitPrice: '20000', quantity: '2.5' }),
    );

    expect(await bar(exchange, 0, { volume: '10' })).toMatchObject([{ quantity: '1', price: '20000', feeUsd: '50' }]);
    expect(await exchange.findByClientOrderId('big')).toMatchObject({
      status: 'open',
      filledQuantity: '1',
      avgFillPrice: '20000',
      feeUsd: '50',
    });

    expect(
      await bar(exchange, 1, { volume: '10', open: '19000', high: '19000', low: '19000', close: '19000' }),
    ).toMatchObject([{ quantity: '1', price: '19000' }]);
    expect(await bar(exchange, 2, { volume: '50' })).toMatchObject([{ quantity: '0.5', price: '20000' }]);

    const done = await exchange.findByClientOrderId('big');
    // (20000 + 19000 + 10000) / 2.5
    expect(done).toMatchObject({ status: 'closed', filledQuantity: '2.5', avgFillPrice: '19600', feeUsd: '122.5' });
    expect(await exchange.closedOrders(T0_MS)).toEqual([done]);
    expect(placed.exchangeOrderId).toBe(done?.exchangeOrderId);
    expect(await exchange.balances()).toEqual({ BTC: '2.5', USD: '50877.5' });
  });

  it('fills nothing in a bar without volume, and fills in the next bar that has some', async () => {
    const exchange = paperExchange();
    await bar(exchange, 0);
    await exchange.placeOrder(aPlaceOrder({ clientOrderId: 'quiet' }));
    expect(await bar(exchange, 1, { volume: '0' })).toEqual([]);
    expect(await exchange.findByClientOrderId('quiet')).toMatchObject({ status: 'open' });
    expect(await bar(exchange, 2, { open: '20100', high: '20100' })).toMatchObject([
      { clientOrderId: 'quiet', price: '20110.05' },
    ]);
  });

  it('rejects an order the account cannot pay for with EOrder:Insufficient funds and stores nothing', async () => {
    const exchange = paperExchange();
    for (const request of [
      aPlaceOrder({ clientOrderId: 'too-big', type: 'limit', limitPrice: '20000', quantity: '0.5' }), // 10000 + 25 fee > 10000
      aPlaceOrder({ clientOrderId: 'no-btc', side: 'sell', type: 'limit', limitPrice: '20000', quantity: '0.1' }),
    ]) {
      const err = await rejection(exchange.placeOrder(request));
      expect(err).toMatchObject({ code: 'EXCHANGE_REJECTED', message: 'EOrder:Insufficient funds', retryable: false });
    }
    expect(await exchange.findByClientOrderId('too-big')).toBeNull();
    expect(await exchange.findByClientOrderId('no-btc')).toBeNull();
    expect(await exchange.openOrders()).toEqual([]);
    expect(await exchange.balances()).toEqual({ USD: '10000' });
  });

  it('counts what open orders hold: a second buy that would overdraw is rejected', async () => {
    const exchange = paperExchange();
    await exchange.placeOrder(aPlaceOrder({ type: 'limit', limitPrice: '20000', quantity: '0.3' })); // holds 6015
    await exchange.placeOrder(aPlaceOrder({ type: 'limit', limitPrice: '20000', quantity: '0.19' })); // holds 3809.5
    const err = await rejection(
      exchange.placeOrder(aPlaceOrder({ type: 'limit', limitPrice: '20000', quantity: '0.01' })),
    ); // 200.5 > 175.5
    expect(err.message).toBe('EOrder:Insufficient funds');
    expect(await exchange.openOrders()).toHaveLength(2);
  });

  it('returns the existing order for the same client order id, never a second one', async () => {
    const exchange = paperExchange();
    const first = await exchange.placeOrder(aPlaceOrder({ clientOrderId: 'dup', type: 'limit', limitPrice: '19000' }));
    const again = await exchange.placeOrder(aPlaceOrder({ clientOrderId: 'dup', type: 'limit', limitPrice: '19000' }));
    const [raced1, raced2] = await Promise.all([
      exchange.placeOrder(aPlaceOrder({ clientOrderId: 'race', type: 'limit', limitPrice: '19000' })),
      paperExchange().placeOrder(aPlaceOrder({ clientOrderId: 'race', type: 'limit', limitPrice: '19000' })),
    ]);
    expect(again).toEqual(first);
    expect(raced2).toEqual(raced1);
    expect(await exchange.openOrders()).toHaveLength(2);
  });

  it('rejects an invalid request as EGeneral:Invalid arguments', async () => {
    const exchange = paperExchange();
    const err = await rejection(exchange.placeOrder(aPlaceOrder({ type: 'limit' })));
    expect(err.code).toBe('EXCHANGE_REJECTED');
    expect(err.message).toMatch(/^EGeneral:Invalid arguments/);
  });

  it('cancels an open order, which then never fills; canceling again is no error, an unknown id is', async () => {
    const exchange = paperExchange();
    const order = await exchange.placeOrder(aPlaceOrder({ type: 'limit', limitPrice: '20000' }));
    clock.advance(1_000);
    await exchange.cancelOrder(order.exchangeOrderId);
    await exchange.cancelOrder(order.exchangeOrderId);
    expect(await exchange.openOrders()).toEqual([]);
    expect(await exchange.closedOrders(T0_MS + 1_000)).toMatchObject([
      { exchangeOrderId: order.exchangeOrderId, status: 'canceled', updatedAtMs: T0_MS + 1_000 },
    ]);
    expect(await exchange.closedOrders(T0_MS + 1_001)).toEqual([]);
    expect(await bar(exchange, 0)).toEqual([]);

    const err = await rejection(exchange.cancelOrder('ONOPE0-NOPE0-NOPE00'));
    expect(err).toMatchObject({ code: 'EXCHANGE_REJECTED', message: 'EOrder:Unknown order' });
  });

  it('after a round trip (buy then sell at the same price) holds the starting cash minus the fees, exactly', async () => {
    const exchange = paperExchange({ slippageBps: 0 });
    await bar(exchange, 0);
    await exchange.placeOrder(aPlaceOrder({ quantity: '0.123' }));
    const [buy] = await bar(exchange, 1, { open: '20000.5', high: '20000.5' });
    await exchange.placeOrder(aPlaceOrder({ side: 'sell', quantity: '0.123' }));
    const [sell] = await bar(exchange, 2, { open: '20000.5', high: '20000.5' });
    expect([buy?.feeUsd, sell?.feeUsd]).toEqual(['9.840246', '9.840246']); // 0.123 × 20000.5 × 0.4 %
    expect(await exchange.balances()).toEqual({ BTC: '0', USD: '9980.319508' }); // 10000 − 2 × 9.840246
  });

  it('holds the base for a resting reduce-only stop: a second reduce-only sell of the position is refused until the stop is canceled', async () => {
    const exchange = paperExchange();
    await holdBtc(exchange, '0.1');
    const sl = await exchange.placeOrder(
      aPlaceOrder({ side: 'sell', type: 'stop-loss', triggerPrice: '19000', quantity: '0.1', reduceOnly: true }),
    );
    const close = aPlaceOrder({
      clientOrderId: 'close-all',
      side: 'sell',
      type: 'market',
      quantity: '0.1',
      reduceOnly: true,
    });

    const err = await rejection(exchange.placeOrder(close));
    expect(err).toMatchObject({ code: 'EXCHANGE_REJECTED', message: 'EOrder:Insufficient funds' });
    expect(await exchange.findByClientOrderId('close-all')).toBeNull();

    await exchange.cancelOrder(sl.exchangeOrderId);
    expect(await exchange.placeOrder(close)).toMatchObject({
      clientOrderId: 'close-all',
      status: 'open',
      quantity: '0.1',
    });
  });

  it('trades on margin with notional / leverage in cash: a short needs no base asset, balances go negative', async () => {
    const exchange = paperExchange();
    await expect(
      exchange.placeOrder(aPlaceOrder({ side: 'sell', type: 'limit', limitPrice: '20000', quantity: '0.9' })),
    ).rejects.toThrow('EOrder:Insufficient funds');
    // 0.9 × 20000 / 2 + 0.25 % fee = 9045 ≤ 10000
    await exchange.placeOrder(
      aPlaceOrder({ side: 'sell', type: 'limit', limitPrice: '20000', quantity: '0.9', leverage: 2 }),
    );
    await expect(
      exchange.placeOrder(aPlaceOrder({ type: 'limit', limitPrice: '20000', quantity: '0.1', leverage: 2 })),
    ).rejects.toThrow('EOrder:Insufficient funds');
    await bar(exchange, 0, { volume: '100' });
    expect(await exchange.balances()).toEqual({ BTC: '-0.9', USD: '27955' }); // 10000 + 18000 − 45
  });

  it('does not fill twice when two workers pass the same bar at once, nor when it comes again', async () => {
    const exchange = paperExchange({ startingCashUsd: '100000' });
    const order = await exchange.placeOrder(aPlaceOrder({ type: 'limit', limitPrice: '20000', quantity: '2.5' }));
    const other = paperExchange({ startingCashUsd: '100000' });
    const same = aBar(0, { volume: '10' });

    const results = await Promise.all([
      exchange.onPrice('BTC/USD', same),
      other.onPrice('BTC/USD', same),
      exchange.onPrice('BTC/USD', same),
    ]);
    expect(results.flat()).toHaveLength(1);
    expect(await other.onPrice('BTC/USD', same)).toEqual([]);
    expect(await exchange.onPrice('BTC/USD', aBar(-1, { volume: '10' }))).toEqual([]); // an older bar

    expect(await exchange.findByClientOrderId(order.clientOrderId!)).toMatchObject({
      status: 'open',
      filledQuantity: '1',
    });
    const counted = await t.db.execute<{ n: number }>(sql`select count(*)::int as n from paper_fills`);
    expect(counted.rows[0]?.n).toBe(1);
    expect(await exchange.balances()).toEqual({ BTC: '1', USD: '79950' });
  });

  it('refuses a malformed bar', async () => {
    const exchange = paperExchange();
    const err = await rejection(exchange.onPrice('BTC/USD', { ...aBar(0), low: '20001' }));
    expect(err.code).toBe('DATA_INVALID');
  });

  describe('fills only on bars that opened once the order was accepted', () => {
    it("an order accepted mid-bar fills at the next bar's open, never an earlier one", async () => {
      const exchange = paperExchange();
      await bar(exchange, 0); // a price to hold the cash at
      clock.set(T0_MS + HOUR_MS + 27 * 60_000); // inside bar 1
      const placed = await exchange.placeOrder(aPlaceOrder({ clientOrderId: 'mid-bar' }));
      expect(placed.openedAtMs).toBe(T0_MS + HOUR_MS + 27 * 60_000);

      expect(await bar(exchange, 1, { open: '19000', high: '20500', low: '19000', close: '20400' })).toEqual([]);
      expect(await exchange.findByClientOrderId('mid-bar')).toMatchObject({ status: 'open', filledQuantity: '0' });
      expect(await storedOrder('mid-bar')).toMatchObject({ lastBarOpenTime: null });

      const fills = await bar(exchange, 2, { open: '20400', high: '20400', close: '20400' });
      expect(fills).toMatchObject([
        { clientOrderId: 'mid-bar', quantity: '0.1', price: '20410.2', atMs: T0_MS + 3 * HOUR_MS },
      ]); // 20400 × 1.0005
    });

    it('does not trigger a resting stop on a bar that opened before it rested, though the low crosses the trigger', async () => {
      const exchange = paperExchange();
      await holdBtc(exchange, '0.1');
      clock.set(T0_MS + HOUR_MS + 45 * 60_000); // inside bar 1
      await exchange.placeOrder(
        aPlaceOrder({
          clientOrderId: 'late-sl',
          side: 'sell',
          type: 'stop-loss',
          triggerPrice: '19000',
          quantity: '0.1',
          reduceOnly: true,
        }),
      );

      expect(await bar(exchange, 1, { open: '20000', high: '20000', low: '18500', close: '19500' })).toEqual([]);
      expect(await storedOrder('late-sl')).toMatchObject({
        status: 'open',
        triggered: false,
        filledQuantity: '0',
        lastBarOpenTime: null,
      });

      expect(await bar(exchange, 2, { open: '19500', high: '19500', low: '18900', close: '19000' })).toMatchObject([
        { clientOrderId: 'late-sl', price: '18990.5' },
      ]); // 19000 × 0.9995
    });
  });

  describe("refuses what Kraken refuses for the pair, in Kraken's words, and stores nothing", () => {
    it.each<[string, PlaceOrderRequest, string]>([
      [
        'a stop price with more decimals than the pair',
        aPlaceOrder({
          side: 'sell',
          type: 'stop-loss',
          triggerPrice: '19000.12345678',
          quantity: '0.1',
          reduceOnly: true,
        }),
        'EOrder:Invalid price:XXBTZUSD price can only be specified up to 1 decimals.',
      ],
      [
        'a volume below the pair’s ordermin',
        aPlaceOrder({ symbol: 'XRP/USD', type: 'limit', limitPrice: '0.5', quantity: '4.12' }),
        'EOrder:Order minimum not met',
      ],
      [
        'a cost (volume × limit) below the pair’s costmin',
        aPlaceOrder({ type: 'limit', limitPrice: '1000', quantity: '0.0001' }),
        'EOrder:Cost minimum not met',
      ],
      [
        'a volume with more decimals than the lot',
        aPlaceOrder({ type: 'limit', limitPrice: '20000', quantity: '0.123456789' }),
        'EGeneral:Invalid arguments:volume',
      ],
      [
        'a pair without an instrument',
        aPlaceOrder({ symbol: 'DOGE/USD', type: 'limit', limitPrice: '0.1', quantity: '100' }),
        'EQuery:Unknown asset pair',
      ],
    ])('%s', async (_case, request, message) => {
      const exchange = paperExchange();
      const err = await rejection(exchange.placeOrder(request));
      expect(err).toMatchObject({ code: 'EXCHANGE_REJECTED', message, retryable: false });
      expect(await exchange.findByClientOrderId(request.clientOrderId)).toBeNull();
      expect(await exchange.openOrders()).toEqual([]);
    });

    it("measures a market order's cost at the pair's last price", async () => {
      const exchange = paperExchange();
      await bar(exchange, 0, { open: '4000', high: '4000', low: '4000', close: '4000' });
      const err = await rejection(exchange.placeOrder(aPlaceOrder({ clientOrderId: 'tiny', quantity: '0.0001' }))); // 0.4 USD < 0.5
      expect(err).toMatchObject({ code: 'EXCHANGE_REJECTED', message: 'EOrder:Cost minimum not met' });
      expect(await exchange.placeOrder(aPlaceOrder({ quantity: '0.000125' }))).toMatchObject({ status: 'open' }); // 0.5 USD
    });

    it('accepts a spot market sell before any price of its pair: nothing to measure its cost at', async () => {
      const exchange = paperExchange();
      await t.db.transaction((tx) => writePaperBalances(tx, { BTC: '0.001' }, T0_MS));
      expect(await exchange.placeOrder(aPlaceOrder({ side: 'sell', quantity: '0.0001' }))).toMatchObject({
        status: 'open',
      });
    });

    it("applies the book it is given: a price off the pair's tick grid is refused, a pair of the book is known", async () => {
      const test = Instrument.parse({
        symbol: 'TEST/USD',
        krakenPair: 'TESTUSD',
        priceDecimals: 2,
        tickSize: '0.05',
        lotDecimals: 4,
        orderMin: '1',
        costMin: '0.5',
        leverageBuy: [],
        leverageSell: [],
      });
      const exchange = paperExchange({}, InstrumentBook.shipped([test]));
      const offGrid = await rejection(
        exchange.placeOrder(aPlaceOrder({ symbol: 'TEST/USD', type: 'limit', limitPrice: '10.03', quantity: '2' })),
      );
      expect(offGrid.message).toBe('EOrder:Invalid price:TESTUSD price can only be specified up to 2 decimals.');
      expect(
        await exchange.placeOrder(
          aPlaceOrder({ symbol: 'TEST/USD', type: 'limit', limitPrice: '10.05', quantity: '2' }),
        ),
      ).toMatchObject({ status: 'open' });
    });
  });
});
