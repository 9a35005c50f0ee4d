import { afterEach, describe, expect, it } from 'vitest';
import { z } from 'zod';
import { MarketDataConfig } from '../../../src/config/sections/market-data-config.ts';
import { KrakenPublicClient } from '../../../src/kraken/kraken-public-client.ts';
import { KrakenStandInOptions } from '../../../src/rehearse/kraken-stand-in/kraken-stand-in-options.ts';
import {
  transition,
  type StandInOrderEvent,
  type StandInOrderStatus,
} from '../../../src/rehearse/kraken-stand-in/stand-in-order.ts';
import { anOrder } from '../../kraken/kraken-builders.ts';
import { TEST_API_KEY, TEST_API_SECRET } from '../../support/kraken-private-server.ts';
import { flatBar, START_MS, startHarness, type Harness } from './stand-in-harness.ts';

describe('Kraken stand-in: queries and margin', () => {
  let h: Harness;
  afterEach(async () => h.close());

  it('pages ClosedOrders 50 at a time with the total count, which the live path follows to the end', async () => {
    h = await startHarness();
    for (let i = 0; i < 55; i++) {
      h.clock.advance(1_000);
      await h.signed('AddOrder', {
        pair: 'XXBTZUSD',
        type: 'buy',
        ordertype: 'limit',
        price: '10000.0',
        volume: '0.001',
        cl_ord_id: `o-${i}`,
      });
    }
    expect((await h.signed('CancelAll')).result).toEqual({ count: 55 });
    const first = await h.signed('ClosedOrders');
    expect(Object.keys(first.result!['closed'] as object)).toHaveLength(50);
    expect(first.result!['count']).toBe(55);
    const closed = await h.exchange.closedOrders(START_MS);
    expect(closed).toHaveLength(55);
    expect(new Set(closed.map((o) => o.status))).toEqual(new Set(['canceled']));
    expect(await h.exchange.findByClientOrderId('o-7')).toMatchObject({ status: 'canceled', clientOrderId: 'o-7' });
  });

  it("answers Ticker at the last bar's close, which the public client reads, and refuses it before any bar", async () => {
    h = await startHarness();
    const market = new KrakenPublicClient({
      config: MarketDataConfig.parse({ kraken: { baseUrl: h.standIn.url } }).kraken,
      limiter: { acquire: async () => ({ admitted: true, waitMs: 0, counter: 0 }) },
      clock: h.clock,
    });
    await expect(market.fetchTicker('BTC/USD')).rejects.toThrow(/EService:Unavailable/);
    h.standIn.applyBar('BTC/USD', flatBar('50000.0'));
    h.standIn.applyBar('BTC/USD', flatBar('49000.0', START_MS + 60_000));
    expect(await market.fetchTicker('BTC/USD')).toMatchObject({
      symbol: 'BTC/USD',
      last: '49000.0',
      bid: '49000.0',
      ask: '49000.0',
    });
  });

  it('answers QueryOrders for known txids and EOrder:Invalid order for none', async () => {
    h = await startHarness();
    const placed = await h.exchange.placeOrder(anOrder());
    const found = await h.signed('QueryOrders', { txid: placed.exchangeOrderId });
    expect(found.result![placed.exchangeOrderId]).toMatchObject({
      status: 'open',
      cl_ord_id: anOrder().clientOrderId,
      vol: '0.01000000',
    });
    expect((await h.signed('QueryOrders', { txid: 'OAAAAA-BBBBB-CCCCCC' })).error).toEqual(['EOrder:Invalid order']);
    expect((await h.signed('CancelOrder', { txid: 'OAAAAA-BBBBB-CCCCCC' })).error).toEqual(['EOrder:Unknown order']);
    expect((await h.signed('CancelOrder', { cl_ord_id: anOrder().clientOrderId })).result).toEqual({
      count: 1,
      pending: false,
    });
  });

  it("reports the fee schedule's first step in TradeVolume", async () => {
    h = await startHarness();
    const volume = await h.signed('TradeVolume', { pair: 'XBTUSD,ETHUSDT' });
    expect(volume.result).toMatchObject({
      currency: 'ZUSD',
      fees: { XXBTZUSD: { fee: '0.2600' }, ETHUSDT: { fee: '0.2600' } },
      fees_maker: { XXBTZUSD: { fee: '0.1600' } },
    });
  });

  it('refuses reduce_only without a position, and lets it close a margin short', async () => {
    h = await startHarness({ marginEnabled: true, balances: { ZUSD: '10000' } });
    h.standIn.applyBar('BTC/USD', flatBar('50000.0'));
    // Raw requests: the live path sends leverage only with execution.margin on.
    const close = {
      pair: 'XXBTZUSD',
      type: 'buy',
      ordertype: 'market',
      volume: '0.1',
      leverage: '2',
      reduce_only: 'true',
      cl_ord_id: 'close',
    };
    expect((await h.signed('AddOrder', close)).error).toEqual(['EOrder:Reduce only:No position exists']);
    expect((await h.signed('OpenPositions')).result).toEqual({});

    expect(
      (
        await h.signed('AddOrder', {
          pair: 'XXBTZUSD',
          type: 'sell',
          ordertype: 'market',
          volume: '0.1',
          leverage: '2',
          cl_ord_id: 'short',
        })
      ).error,
    ).toEqual([]);
    const positions = (await h.signed('OpenPositions')).result!;
    expect(Object.values(positions)).toMatchObject([
      { type: 'sell', vol: '0.1', cost: '5000', margin: '2500', pair: 'XXBTZUSD' },
    ]);

    h.standIn.applyBar('BTC/USD', flatBar('49000.0', START_MS + 60_000));
    expect((await h.signed('AddOrder', close)).error).toEqual([]);
    expect((await h.signed('OpenPositions')).result).toEqual({});
    // +100 on the short, fees 13 (open at 50000) and 12.74 (close at 49000).
    expect(h.standIn.balances()).toEqual({ ZUSD: '10074.26' });
  });
});

describe('Kraken stand-in: definitions', () => {
  const statuses: StandInOrderStatus[] = ['open', 'closed', 'canceled'];
  const events: StandInOrderEvent[] = ['filled', 'canceled'];
  const allowed: Record<string, StandInOrderStatus> = { 'open filled': 'closed', 'open canceled': 'canceled' };

  it.each(statuses.flatMap((s) => events.map((e) => [s, e] as const)))(
    'order status %s on %s follows the table',
    (status, event) => {
      const next = allowed[`${status} ${event}`];
      if (next) expect(transition(status, event)).toBe(next);
      else expect(() => transition(status, event)).toThrow();
    },
  );

  it('parses options with only the credentials, and reports every violation together', () => {
    expect(KrakenStandInOptions.parse({ apiKey: TEST_API_KEY, apiSecret: TEST_API_SECRET })).toMatchObject({
      tier: 'starter',
      marginEnabled: false,
      timeOffsetMs: 0,
      port: 0,
    });
    const bad = KrakenStandInOptions.safeParse({
      apiKey: '',
      apiSecret: 'not base64!',
      tier: 'gold',
      balances: { usd: '1' },
    });
    expect(bad.success).toBe(false);
    expect(z.flattenError(bad.error!).fieldErrors).toHaveProperty('apiKey');
    expect(bad.error!.issues.map((i) => i.path[0])).toEqual(
      expect.arrayContaining(['apiKey', 'apiSecret', 'tier', 'balances']),
    );
  });
});
