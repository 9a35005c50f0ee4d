import { afterEach, describe, expect } from 'vitest';
import { it } from '../support/fixtures.ts';
import { KrakenExchange } from '../../src/kraken/kraken-exchange.ts';
import { saveCandles } from '../../src/market/candle-store.ts';
import { exchangePortfolio } from '../../src/portfolio/exchange-portfolio.ts';
import { aKrakenClient } from '../kraken/kraken-builders.ts';
import { startKrakenPrivateServer, type KrakenPrivateServer } from '../support/kraken-private-server.ts';
import type { TestDatabase } from '../support/test-database.ts';
import { createTestRedis, type TestRedis } from '../support/test-redis.ts';

const T0 = Date.UTC(2024, 2, 1);

describe('exchangePortfolio over Kraken', () => {
  let database: TestDatabase;
  let t: TestRedis;
  let server: KrakenPrivateServer;

  it.beforeEach(async ({ database: fromFixture }) => {
    database = fromFixture;
    t = await createTestRedis();
    server = await startKrakenPrivateServer();
    await saveCandles(
      database.db,
      [
        {
          symbol: 'BTC/USD',
          timeframe: '1h',
          openTimeMs: T0,
          open: '50000',
          high: '50000',
          low: '50000',
          close: '50000',
          volume: '10',
          trades: 1,
          gapFilled: false,
        },
      ],
      'replay',
    );
    // A resting buy holds 400 USD; a resting sell 0.005 BTC; staked BTC does not count.
    server.override('BalanceEx', {
      body: {
        error: [],
        result: {
          ZUSD: { balance: '1000.0000', hold_trade: '400.0000' },
          'USD.F': { balance: '500.0000', hold_trade: '0' },
          XXBT: { balance: '0.01', hold_trade: '0.005' },
          'XBT.F': { balance: '0.01', hold_trade: '0' },
          'XBT.S': { balance: '5', hold_trade: '0' },
        },
      },
    });
    server.override('TradeBalance', {
      body: {
        error: [],
        result: {
          eb: '3000.0',
          tb: '2500.0',
          m: '100.0',
          n: '-50.0',
          c: '1000.0',
          v: '950.0',
          e: '2450.0',
          mf: '2350.0',
          ml: '2450.0',
        },
      },
    });
  });
  afterEach(async () => {
    await server.close();
    await t.cleanup();
  });

  const reader = (margin: boolean) =>
    exchangePortfolio({
      db: database.db,
      exchange: new KrakenExchange({
        client: aKrakenClient({ baseUrl: server.url, redis: t.redis, keys: t.keys }),
        margin,
      }),
      account: 'kraken',
      cashAsset: 'USD',
      timeframe: '1h',
      margin,
    });
  const calls = (method: string) => server.requests.filter((r) => r.method === method).length;

  it('values the Kraken Rewards balances with the spot ones and leaves staked ones out (spot equity)', async () => {
    // 1000 + 500 USD, 0.02 BTC at 50000.
    expect(await reader(false).equityUsd()).toBe('2500');
    expect(calls('TradeBalance')).toBe(0);
  });

  it('takes the free cash from BalanceEx: what Kraken holds for resting buys is not spendable', async () => {
    expect(await reader(false).freeCashUsd()).toBe('1100');
    expect(calls('BalanceEx')).toBe(1);
  });

  it('reads the margin positions from OpenPositions on margin, net per symbol, and asks nothing on spot', async () => {
    server.override('OpenPositions', {
      body: {
        error: [],
        result: {
          'TF5GVO-T7ZZ2-6NBKBI': {
            ordertxid: 'OLWNFG-LLH4R-D6SFFP',
            posstatus: 'open',
            pair: 'XXBTZUSD',
            time: 1605280097.8294,
            type: 'buy',
            ordertype: 'limit',
            cost: '4000.00000',
            fee: '10.4',
            vol: '0.10000000',
            vol_closed: '0.02000000',
            margin: '800.00000',
            value: '4100.0',
            net: '+100.0',
            terms: '0.0100% per 4 hours',
            rollovertm: '1616672637',
            misc: '',
            oflags: '',
          },
          'T24DOR-TAFLM-ID3NYP': {
            ordertxid: 'OQCLML-BW3P3-BUCMWZ',
            posstatus: 'open',
            pair: 'XXRPZUSD',
            time: 1605280098.1,
            type: 'sell',
            ordertype: 'limit',
            cost: '250.00000',
            fee: '0.65',
            vol: '100.00000000',
            vol_closed: '0.00000000',
            margin: '125.00000',
            value: '240.0',
            net: '+10.0',
            terms: '0.0100% per 4 hours',
            rollovertm: '1616672637',
            misc: '',
            oflags: '',
          },
        },
      },
    });
    expect(await reader(false).openPositions()).toEqual([]);
    expect(calls('OpenPositions')).toBe(0);
    expect(await reader(true).openPositions()).toEqual([
      { symbol: 'BTC/USD', side: 'long', notionalUsd: '4100', leverage: 5, quantity: '0.08' },
      { symbol: 'XRP/USD', side: 'short', notionalUsd: '240', leverage: 2, quantity: '100' },
    ]);
    expect(server.requests.find((r) => r.method === 'OpenPositions')!.params.get('docalcs')).toBe('true');
  });

  it("reads equity from TradeBalance on margin, the positions' unrealized P&L included", async () => {
    expect(await reader(true).equityUsd()).toBe('2450.0');
    expect(server.requests.find((r) => r.method === 'TradeBalance')!.params.get('asset')).toBe('ZUSD');
  });
});
