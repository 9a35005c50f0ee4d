import { readFileSync } from 'node:fs';
import { afterEach, describe, expect } from 'vitest';
import { it } from '../support/fixtures.ts';
import { ManualClock } from '../../src/clock/clock.ts';
import { MarketDataConfig } from '../../src/config/sections/market-data-config.ts';
import { KrakenExchange } from '../../src/kraken/kraken-exchange.ts';
import type { KrakenPrivateClientOptions } from '../../src/kraken/kraken-private-client.ts';
import { KrakenPublicClient } from '../../src/kraken/kraken-public-client.ts';
import {
  balanceExOf,
  ccxtCapture,
  ccxtRequestBody,
  krakenPrivateFixtureBodies,
  startKrakenPrivateServer,
  type KrakenPrivateServer,
} from '../support/kraken-private-server.ts';
import type { TestRedis } from '../support/test-redis.ts';
import { quietWindow, scaled } from '../support/test-timing.ts';
import { aKrakenClient, anOrder, countingLimiter, failure } from './kraken-builders.ts';

const NOW_MS = Date.UTC(2025, 10, 11, 0, 17, 4);
const TIMEOUT_MS = 1_000;
const specExample = (name: string): unknown =>
  JSON.parse(readFileSync(new URL(`../fixtures/kraken/private/kraken-api-specs/${name}`, import.meta.url), 'utf8'));

describe('KrakenExchange against recorded Kraken responses', () => {
  let server: KrakenPrivateServer;
  let t: TestRedis;
  const clock = new ManualClock(NOW_MS);

  it.beforeEach(async ({ redis }) => {
    t = redis;
    server = await startKrakenPrivateServer();
    clock.set(NOW_MS);
  });
  afterEach(async () => {
    await server.close();
  });

  function newExchange(
    overrides: Partial<Omit<KrakenPrivateClientOptions, 'redis' | 'keys'>> = {},
    options: { margin?: boolean } = {},
  ) {
    const client = aKrakenClient({ baseUrl: server.url, redis: t.redis, keys: t.keys }, overrides);
    return { client, exchange: new KrakenExchange({ client, clock, ...options }) };
  }
  const sent = (method: string) => server.requests.filter((r) => r.method === method);
  /** A request's fields but the nonce (and whatever else is named). */
  const fields = (params: URLSearchParams, omit: string[] = []) =>
    Object.fromEntries([...params].filter(([k]) => k !== 'nonce' && !omit.includes(k)));

  describe('placeOrder', () => {
    it('sends AddOrder once, signed, with the client order id as cl_ord_id and the decimal strings as given', async () => {
      const { exchange } = newExchange();
      const order = await exchange.placeOrder(anOrder());

      expect(sent('AddOrder')).toHaveLength(1);
      const [request] = sent('AddOrder');
      expect(request!.verdict).toBe('accepted');
      expect(fields(request!.params)).toEqual({
        pair: 'XXBTZUSD',
        type: 'buy',
        ordertype: 'limit',
        volume: '0.01000000',
        price: '50000.0',
        cl_ord_id: '2d0c7f3a-9b1e-5c4d-8e6f-0a1b2c3d4e5f',
        deadline: expect.stringMatching(/^\d{4}-\d{2}-\d{2}T/),
      });
      expect(order).toEqual({
        exchangeOrderId: 'OUF4EM-FRGI2-MQMWZD',
        clientOrderId: '2d0c7f3a-9b1e-5c4d-8e6f-0a1b2c3d4e5f',
        symbol: 'BTC/USD',
        side: 'buy',
        type: 'limit',
        status: 'pending',
        quantity: '0.01000000',
        filledQuantity: '0',
        avgFillPrice: null,
        limitPrice: '50000.0',
        triggerPrice: null,
        feeUsd: '0',
        openedAtMs: NOW_MS,
        updatedAtMs: NOW_MS,
      });
    });

    it.each([
      ['market', 'Spot market buy', anOrder({ type: 'market', limitPrice: undefined, quantity: '0.1' })],
      [
        'stop-loss',
        'Stop loss market order (type 2)',
        anOrder({ type: 'stop-loss', side: 'sell', limitPrice: undefined, triggerPrice: '55', quantity: '0.1' }),
      ],
      [
        'take-profit',
        'take profit market order (type 2)',
        anOrder({ type: 'take-profit', side: 'sell', limitPrice: undefined, triggerPrice: '120', quantity: '0.1' }),
      ],
    ])('sends a %s order with the fields ccxt recorded for "%s"', async (_, ccxtCase, request) => {
      const { exchange } = newExchange();
      const order = await exchange.placeOrder(request);
      const recorded = ccxtRequestBody('createOrder', ccxtCase);
      expect(fields(sent('AddOrder')[0]!.params, ['pair', 'cl_ord_id', 'deadline'])).toEqual(
        fields(recorded, ['pair']),
      );
      expect(order).toMatchObject({ type: request.type, triggerPrice: request.triggerPrice ?? null, limitPrice: null });
    });

    it('sends leverage and reduce_only for a margin order as ccxt recorded them, and neither for spot', async () => {
      const { exchange } = newExchange({}, { margin: true });
      await exchange.placeOrder(anOrder({ side: 'sell', leverage: 5, reduceOnly: true }));
      await exchange.placeOrder(anOrder({ side: 'sell', leverage: 1, reduceOnly: true }));
      const recorded = ccxtRequestBody('createOrder', 'Margin stopLossPrice order (type 2)');
      const [margin, spot] = sent('AddOrder');
      expect(margin!.params.get('leverage')).toBe(recorded.get('leverage'));
      expect(margin!.params.get('reduce_only')).toBe(recorded.get('reduce_only'));
      expect(spot!.params.has('leverage')).toBe(false);
      expect(spot!.params.has('reduce_only')).toBe(false);
    });

    it('refuses an order the schema refuses without sending anything', async () => {
      const { exchange } = newExchange();
      const err = await failure(exchange.placeOrder(anOrder({ limitPrice: undefined })));
      expect(err).toMatchObject({ code: 'EXCHANGE_REJECTED', details: { requestSent: false } });
      const unknownPair = await failure(exchange.placeOrder(anOrder({ symbol: 'DOGE/CHF' })));
      expect(unknownPair).toMatchObject({ code: 'EXCHANGE_REJECTED', details: { requestSent: false } });
      expect(sent('AddOrder')).toEqual([]);
    });
  });

  describe("Kraken's errors", () => {
    it.each([
      ['EOrder:Insufficient funds', 'EXCHANGE_REJECTED', false],
      ['EGeneral:Invalid arguments', 'EXCHANGE_REJECTED', false],
      ['EService:Unavailable', 'EXCHANGE_UNAVAILABLE', true],
      ['EAPI:Invalid nonce', 'EXCHANGE_UNAVAILABLE', true],
      ['EAPI:Rate limit exceeded', 'EXCHANGE_RATE_LIMITED', true],
      ['EOrder:Rate limit exceeded', 'EXCHANGE_RATE_LIMITED', true],
    ])('maps %s on AddOrder to %s (retryable: %s), sent once', async (krakenError, code, retryable) => {
      const { exchange } = newExchange();
      server.override('AddOrder', { body: { error: [krakenError] } });
      const err = await failure(exchange.placeOrder(anOrder()));
      expect(err).toMatchObject({ code, retryable, details: { krakenError, requestSent: true } });
      expect(sent('AddOrder')).toHaveLength(1);
    });

    it.each([['BalanceEx'], ['OpenOrders'], ['ClosedOrders']])('maps the same errors on %s', async (method) => {
      const { exchange } = newExchange();
      const call = {
        BalanceEx: () => exchange.balances(),
        OpenOrders: () => exchange.openOrders(),
        ClosedOrders: () => exchange.closedOrders(0),
      }[method]!;
      for (const [krakenError, code] of [
        ['EGeneral:Invalid arguments', 'EXCHANGE_REJECTED'],
        ['EService:Unavailable', 'EXCHANGE_UNAVAILABLE'],
        ['EAPI:Invalid nonce', 'EXCHANGE_UNAVAILABLE'],
      ] as const) {
        server.override(method, { body: { error: [krakenError] }, times: 1 });
        expect(await failure(call())).toMatchObject({ code, details: { krakenError } });
      }
    });

    it('backs off the account counter on EAPI:Rate limit exceeded: the next call waits for it to decay', async () => {
      const { exchange, client } = newExchange({ apiLimit: { maxCounter: 15, decayPerSec: 0.33 }, maxWaitMs: 500 });
      server.override('BalanceEx', { body: { error: ['EAPI:Rate limit exceeded'] }, times: 1 });
      expect(await failure(exchange.balances())).toMatchObject({ code: 'EXCHANGE_RATE_LIMITED' });
      expect(await client.apiLimiter.counter()).toBeGreaterThan(14.9);

      // One unit decays in about 3 s, more than this client waits: refused before sending.
      const err = await failure(exchange.balances());
      expect(err).toMatchObject({ code: 'EXCHANGE_RATE_LIMITED', details: { requestSent: false } });
      expect(sent('BalanceEx')).toHaveLength(1);
    });

    it("backs off the pair's trading counter on EOrder:Rate limit exceeded, and only that pair's", async () => {
      const { exchange, client } = newExchange({ tradingLimit: { maxCounter: 60, decayPerSec: 1 } });
      server.override('AddOrder', { body: { error: ['EOrder:Rate limit exceeded'] }, times: 1 });
      await failure(exchange.placeOrder(anOrder()));
      expect(await client.trading.limiterFor('BTC/USD').counter()).toBeGreaterThan(59.9);
      expect(await client.trading.limiterFor('XRP/USD').counter()).toBe(0);
    });
  });

  describe('unknown outcomes: no answer, 5xx, lost connection', () => {
    it('reports TIMEOUT within the configured timeout when Kraken never answers, and sends AddOrder once', async () => {
      const { exchange } = newExchange();
      server.override('AddOrder', { hang: 'headers' });
      const startedAt = performance.now();
      const err = await failure(exchange.placeOrder(anOrder()));
      const elapsedMs = performance.now() - startedAt;

      expect(err).toMatchObject({ code: 'TIMEOUT', retryable: true, details: { requestSent: true } });
      expect(elapsedMs).toBeGreaterThanOrEqual(TIMEOUT_MS - 50);
      expect(elapsedMs).toBeLessThan(TIMEOUT_MS + scaled(500));
      // Quiet window: the claim is that the timed-out order is not sent again.
      await quietWindow(300);
      expect(sent('AddOrder')).toHaveLength(1);
    });

    it.each([
      [
        'a 502 from the gateway',
        'EXCHANGE_UNAVAILABLE',
        { status: 502, body: '<html><body>502 Bad Gateway</body></html>' },
      ],
      ['a 500 with no body', 'EXCHANGE_UNAVAILABLE', { status: 500, body: '' }],
      ['a dropped connection', 'EXCHANGE_UNAVAILABLE', { disconnect: true }],
      ['a body that stops halfway', 'TIMEOUT', { hang: 'body' as const }],
      ['a 429 from the gateway', 'EXCHANGE_RATE_LIMITED', { status: 429, body: 'Too Many Requests' }],
    ])('reports %s as %s and sends AddOrder once', async (_, code, override) => {
      const { exchange } = newExchange();
      server.override('AddOrder', override);
      expect(await failure(exchange.placeOrder(anOrder()))).toMatchObject({
        code,
        retryable: true,
        details: { requestSent: true },
      });
      // Quiet window: the claim is that the order is not sent again.
      await quietWindow(100);
      expect(sent('AddOrder')).toHaveLength(1);
    });

    it('reports TIMEOUT when the caller aborts, and the account is free again at once', async () => {
      const { exchange } = newExchange();
      server.override('AddOrder', { hang: 'headers' });
      const controller = new AbortController();
      setTimeout(() => controller.abort(), 100);
      const startedAt = performance.now();
      // A market order: nothing is asked before its AddOrder (a resting one first counts the pair's open orders).
      expect(
        await failure(exchange.placeOrder(anOrder({ type: 'market', limitPrice: undefined }), controller.signal)),
      ).toMatchObject({ code: 'TIMEOUT', details: { requestSent: true } });
      expect(performance.now() - startedAt).toBeLessThan(500);
      expect(await exchange.balances()).toEqual({ USD: '200000.00', BTC: '0.5', ETH: '2.0' });
      expect(sent('AddOrder')).toHaveLength(1);
    });
  });

  describe('orders as Kraken reports them', () => {
    it('reads open orders, prices and quantities as the decimal strings Kraken sent', async () => {
      const { exchange } = newExchange();
      expect(await exchange.openOrders()).toEqual([
        {
          exchangeOrderId: 'O26VBY-ISGAE-JP5TLU',
          clientOrderId: null,
          symbol: 'BTC/USDT',
          side: 'buy',
          type: 'limit',
          status: 'open',
          quantity: '0.50000000',
          filledQuantity: '0.00000000',
          avgFillPrice: null,
          limitPrice: '29500.0',
          triggerPrice: null,
          feeUsd: '0.00000',
          openedAtMs: 1_688_583_840_864,
          updatedAtMs: 1_688_583_840_864,
        },
        {
          exchangeOrderId: 'OYEQF4-FDE4C-NMUYUI',
          clientOrderId: null,
          symbol: 'ETH/USDT',
          side: 'sell',
          type: 'stop-loss',
          status: 'open',
          quantity: '1.00000000',
          filledQuantity: '0.00000000',
          avgFillPrice: null,
          limitPrice: null,
          triggerPrice: '1800.0',
          feeUsd: '0.00000',
          openedAtMs: 1_688_584_240_123,
          updatedAtMs: 1_688_584_240_123,
        },
      ]);
    });

    it.each([
      [
        'open take-profit market order',
        {
          symbol: 'LTC/USDT',
          type: 'take-profit',
          triggerPrice: '120.00000',
          limitPrice: null,
          openedAtMs: 1_705_260_203_583,
        },
      ],
      [
        'open stop-loss-limit order',
        {
          symbol: 'LTC/USDT',
          type: 'stop-loss',
          triggerPrice: '55.00000',
          limitPrice: '54.00000',
          openedAtMs: 1_705_260_464_973,
        },
      ],
      [
        'fetch open trailing stop order',
        { symbol: 'XRP/USD', type: 'stop-loss', triggerPrice: '0.75790000', limitPrice: null, side: 'buy' },
      ],
      [
        'spot open order with clientOrderId',
        { symbol: 'LTC/USDT', type: 'limit', limitPrice: '50.00000', clientOrderId: '123', quantity: '0.20000000' },
      ],
    ])('reads the captured "%s"', async (description, expected) => {
      const { exchange } = newExchange();
      server.override('OpenOrders', { body: ccxtCapture('fetchOpenOrders', description) });
      const orders = await exchange.openOrders();
      expect(orders).toHaveLength(1);
      expect(orders[0]).toMatchObject({
        status: 'open',
        filledQuantity: '0.00000000',
        avgFillPrice: null,
        ...expected,
      });
    });

    it("reads Kraken's documentation example, which describes the order only in words", async () => {
      const { exchange } = newExchange();
      server.override('OpenOrders', { body: specExample('spot-rest_user_orders_open.json') as object });
      expect(await exchange.openOrders()).toEqual([
        expect.objectContaining({
          exchangeOrderId: 'O7ICPO-F4CLJ-MVBLHC',
          symbol: 'BTC/USD',
          side: 'sell',
          type: 'limit',
          limitPrice: '500.00000',
          clientOrderId: null,
        }),
      ]);
    });

    it('leaves out, with a warning, an order it cannot read, and keeps the others', async () => {
      const { exchange } = newExchange();
      const body = JSON.parse(
        readFileSync(new URL('../fixtures/kraken/private/nautilus/http_open_orders.json', import.meta.url), 'utf8'),
      ) as {
        result: { open: Record<string, { descr: { pair: string } }> };
      };
      body.result.open['O26VBY-ISGAE-JP5TLU']!.descr.pair = 'NOSUCHPAIR';
      server.override('OpenOrders', { body });
      expect((await exchange.openOrders()).map((o) => o.exchangeOrderId)).toEqual(['OYEQF4-FDE4C-NMUYUI']);
    });

    it('reads closed orders with fills, fees and close times, since a time', async () => {
      const { exchange } = newExchange();
      const closed = await exchange.closedOrders(0);
      expect(closed).toEqual([
        expect.objectContaining({
          exchangeOrderId: 'O5KZFT-GH3AD-LP6TLU',
          symbol: 'BTC/USDT',
          status: 'closed',
          filledQuantity: '0.50000000',
          avgFillPrice: '29500.0',
          feeUsd: '22.12500',
          updatedAtMs: 1_688_590_000_543,
        }),
        expect.objectContaining({
          exchangeOrderId: 'OCLOSED-2-TESTID',
          symbol: 'ETH/USDT',
          type: 'market',
          avgFillPrice: '1850.0',
          feeUsd: '2.77500',
        }),
      ]);
      expect(fields(sent('ClosedOrders')[0]!.params)).toEqual({ start: '0', closetime: 'close', ofs: '0' });

      expect((await exchange.closedOrders(1_688_592_000_000)).map((o) => o.exchangeOrderId)).toEqual([
        'OCLOSED-2-TESTID',
      ]);
      expect(sent('ClosedOrders')[1]!.params.get('start')).toBe('1688591999');
    });

    it("reads canceled orders in pairs Kraken's market list lacks, by their asset names", async () => {
      const { exchange } = newExchange();
      server.override('ClosedOrders', { body: specExample('spot-rest_user_orders_closed.json') as object });
      const closed = await exchange.closedOrders(0);
      expect(closed.map((o) => [o.exchangeOrderId, o.symbol, o.status, o.avgFillPrice])).toEqual([
        ['OT5JQ3-MNZQI-GDXY7O', 'DASH/USD', 'canceled', null],
        ['OQB6D2-O5QMF-QBBAWZ', 'BTC/EUR', 'canceled', null],
        ['OFESQG-RLWJQ-ZV5AME', 'BTC/USD', 'canceled', null],
      ]);
    });

    it('pages through closed orders 50 at a time', async () => {
      const template = JSON.parse(ccxtCapture('fetchClosedOrders', 'spot closed orders with clientorderId')) as {
        result: { closed: Record<string, Record<string, unknown>> };
      };
      const [entry] = Object.values(template.result.closed);
      const closed = Object.fromEntries(
        Array.from({ length: 120 }, (_, i) => [
          `OPAGE${String(i).padStart(3, '0')}-AAAAA-AAAAAA`,
          { ...entry, cl_ord_id: null },
        ]),
      );
      await server.close();
      server = await startKrakenPrivateServer({
        bodies: { ...krakenPrivateFixtureBodies(), ClosedOrders: JSON.stringify({ error: [], result: { closed } }) },
      });

      const { exchange } = newExchange();
      const orders = await exchange.closedOrders(0);
      expect(orders).toHaveLength(120);
      expect(new Set(orders.map((o) => o.exchangeOrderId)).size).toBe(120);
      expect(sent('ClosedOrders').map((r) => r.params.get('ofs'))).toEqual(['0', '50', '100']);
    });
  });

  describe('findByClientOrderId', () => {
    it('finds an open order through OpenOrders filtered by cl_ord_id', async () => {
      const { exchange } = newExchange();
      server.override('OpenOrders', { body: ccxtCapture('fetchOpenOrders', 'spot open order with clientOrderId') });
      const order = await exchange.findByClientOrderId('123');
      expect(order).toMatchObject({
        exchangeOrderId: 'O2F2HY-QIPHF-4UCMSW',
        clientOrderId: '123',
        status: 'open',
        symbol: 'LTC/USDT',
      });
      expect(sent('OpenOrders').map((r) => r.params.get('cl_ord_id'))).toEqual(['123']);
      expect(sent('ClosedOrders')).toEqual([]);
    });

    it('finds a closed order through ClosedOrders when none is open', async () => {
      const { exchange } = newExchange();
      server.override('ClosedOrders', {
        body: ccxtCapture('fetchClosedOrders', 'spot closed orders with clientorderId'),
      });
      const order = await exchange.findByClientOrderId('123');
      expect(order).toMatchObject({
        exchangeOrderId: 'O2F2HY-QIPHF-4UCMSW',
        clientOrderId: '123',
        status: 'canceled',
        updatedAtMs: 1_733_920_121_745,
      });
      expect(sent('ClosedOrders').map((r) => r.params.get('cl_ord_id'))).toEqual(['123']);
    });

    it('answers null when Kraken has no order with the id, and never takes an order with another id', async () => {
      const { exchange } = newExchange();
      // Answers that ignore the filter: the open orders have no cl_ord_id, the closed one another.
      server.override('ClosedOrders', {
        body: ccxtCapture('fetchClosedOrders', 'spot closed orders with clientorderId'),
      });
      expect(await exchange.findByClientOrderId('2d0c7f3a-9b1e-5c4d-8e6f-0a1b2c3d4e5f')).toBeNull();
      expect(sent('OpenOrders')).toHaveLength(1);
      expect(sent('ClosedOrders')).toHaveLength(1);
    });
  });

  describe('cancelOrder', () => {
    it("cancels an order placed here, charging its pair's trading counter 1 for the order and 8 for cancelling it young", async () => {
      const { exchange, client } = newExchange({ tradingLimit: { maxCounter: 60, decayPerSec: 0.001 } });
      const order = await exchange.placeOrder(anOrder());
      await exchange.cancelOrder(order.exchangeOrderId);
      expect(fields(sent('CancelOrder')[0]!.params)).toEqual({ txid: 'OUF4EM-FRGI2-MQMWZD' });
      expect(sent('QueryOrders')).toEqual([]);
      expect(await client.trading.limiterFor('BTC/USD').counter()).toBeCloseTo(9, 1);
    });

    it('asks Kraken for the pair and age of an order placed elsewhere; an old one costs nothing to cancel', async () => {
      const { exchange, client } = newExchange({ tradingLimit: { maxCounter: 60, decayPerSec: 0.001 } });
      await exchange.cancelOrder('ODNLO4-QYFSV-33BKJA');
      expect(sent('QueryOrders').map((r) => r.params.get('txid'))).toEqual(['ODNLO4-QYFSV-33BKJA']);
      expect(sent('CancelOrder').map((r) => r.params.get('txid'))).toEqual(['ODNLO4-QYFSV-33BKJA']);
      expect(await client.trading.limiterFor('XMR/USD').counter()).toBe(0);
    });

    it('does nothing for an order already canceled or closed', async () => {
      const { exchange } = newExchange();
      await exchange.cancelOrder('OQB6D2-O5QMF-QBBAWZ');
      expect(sent('CancelOrder')).toEqual([]);
      server.reset();

      const { exchange: other, client } = newExchange();
      await client.trading.recordPlaced('OGMZCL-KC6MC-ZRBGM6', 'LTC/USDT');
      server.override('CancelOrder', { body: { error: ['EOrder:Unknown order'] } });
      server.override('QueryOrders', { body: ccxtCapture('fetchOrder', 'closed market order') });
      await other.cancelOrder('OGMZCL-KC6MC-ZRBGM6');
      expect(sent('CancelOrder')).toHaveLength(1);
      expect(sent('QueryOrders')).toHaveLength(1);
    });

    it('refuses an order Kraken does not know', async () => {
      const { exchange } = newExchange();
      expect(await failure(exchange.cancelOrder('ONOSUC-HORDE-RXXXXX'))).toMatchObject({
        code: 'EXCHANGE_REJECTED',
        retryable: false,
      });
      expect(sent('CancelOrder')).toEqual([]);
    });
  });

  describe('balances', () => {
    it('reads balances under our asset codes, amounts as Kraken sent them', async () => {
      const { exchange } = newExchange();
      expect(await exchange.balances()).toEqual({ USD: '200000.00', BTC: '0.5', ETH: '2.0' });
      server.override('BalanceEx', {
        body: balanceExOf(JSON.stringify(specExample('spot-rest_user_account_balance.json'))),
      });
      expect(await exchange.balances()).toMatchObject({
        USD: '2970172.7962',
        EUR: '102559.9012',
        BTC: '3.2223768244',
        XRP: '0.00000000',
        ETH: '995.0000000000',
      });
    });

    it('answers a read that allows an age from the last read begun within it; one that allows none reads again', async () => {
      const { exchange } = newExchange();
      const first = await exchange.balances();
      server.override('BalanceEx', {
        body: balanceExOf(JSON.stringify(specExample('spot-rest_user_account_balance.json'))),
      });
      // Begun a moment ago: shared, no request (one unit of the API counter saved).
      expect(await exchange.balances(undefined, { maxAgeMs: 60_000 })).toEqual(first);
      expect(await exchange.balances(undefined, { maxAgeMs: 0 })).toMatchObject({ USD: '2970172.7962' });
      // Without an age allowed, only reads in flight are shared: a read after an answer asks again.
      expect(await exchange.balances()).toMatchObject({ USD: '2970172.7962' });
      expect(sent('BalanceEx')).toHaveLength(3);
    });

    it('leaves out staking and earn variants that are not spot assets', async () => {
      const { exchange } = newExchange();
      server.override('BalanceEx', {
        body: balanceExOf(
          JSON.stringify({ error: [], result: { ZUSD: '10.5', 'DOT.S': '3.0', 'XBT.M': '0.1', XXBT: '0.25' } }),
        ),
      });
      expect(await exchange.balances()).toEqual({ USD: '10.5', BTC: '0.25' });
    });
  });

  it('serves the public market data on the same stand-in (OHLC, Ticker)', async () => {
    const config = MarketDataConfig.parse({ kraken: { baseUrl: server.url, timeoutMs: TIMEOUT_MS } }).kraken;
    const publicClient = new KrakenPublicClient({
      config,
      limiter: countingLimiter(),
      clock: new ManualClock(1_762_820_224_000),
    });
    expect(await publicClient.fetchTicker('BTC/USDT')).toMatchObject({ symbol: 'BTC/USDT' });
    expect(await publicClient.fetchCandles('BTC/USDT', '1m')).toHaveLength(720);
    expect(server.publicRequests).toEqual(expect.arrayContaining(['/0/public/Ticker', '/0/public/OHLC']));
  });
});
