import { afterEach, describe, expect } from 'vitest';
import { it } from '../support/fixtures.ts';
import { KrakenExchange, KRAKEN_ORDER_DEADLINE_MS } from '../../src/kraken/kraken-exchange.ts';
import { balanceExOf, startKrakenPrivateServer, type KrakenPrivateServer } from '../support/kraken-private-server.ts';
import type { TestRedis } from '../support/test-redis.ts';
import { aKrakenClient, anOrder, failure } from './kraken-builders.ts';

/** RFC 3339 in UTC with milliseconds, as `Date.prototype.toISOString` writes it. */
const RFC3339 = /^\d{4}-\d{2}-\d{2}T\d{2}:\d{2}:\d{2}\.\d{3}Z$/;

describe("KrakenExchange keeps Kraken's account rules", () => {
  let server: KrakenPrivateServer;
  let t: TestRedis;

  it.beforeEach(async ({ redis }) => {
    t = redis;
    server = await startKrakenPrivateServer();
  });
  afterEach(async () => {
    await server.close();
  });

  const exchange = (options: { margin?: boolean; openOrdersPerPair?: number } = {}) =>
    new KrakenExchange({ client: aKrakenClient({ baseUrl: server.url, redis: t.redis, keys: t.keys }), ...options });
  const sent = (method: string) => server.requests.filter((r) => r.method === method);

  describe('deadline', () => {
    it('sends every AddOrder with a deadline in RFC 3339, a few seconds of wall time ahead, within the 60 s Kraken accepts', async () => {
      const kraken = exchange();
      for (const order of [
        anOrder(),
        anOrder({ type: 'market', limitPrice: undefined }),
        anOrder({ type: 'stop-loss', side: 'sell', limitPrice: undefined, triggerPrice: '45000.0' }),
      ]) {
        const before = Date.now();
        await kraken.placeOrder(order);
        const request = sent('AddOrder').at(-1)!;
        const deadline = request.params.get('deadline');
        expect(deadline).toMatch(RFC3339);
        const deadlineMs = Date.parse(deadline!);
        expect(deadlineMs).toBeGreaterThan(request.atMs);
        expect(deadlineMs).toBeGreaterThanOrEqual(before + KRAKEN_ORDER_DEADLINE_MS);
        expect(deadlineMs - before).toBeLessThanOrEqual(60_000);
      }
      expect(sent('AddOrder')).toHaveLength(3);
    });
  });

  describe('spot by default', () => {
    it('refuses leverage above 1 without margin, sending nothing', async () => {
      const err = await failure(exchange().placeOrder(anOrder({ side: 'sell', leverage: 3 })));
      expect(err).toMatchObject({ code: 'EXCHANGE_REJECTED', details: { requestSent: false } });
      expect(err.message).toContain('execution.margin is false');
      expect(sent('AddOrder')).toEqual([]);
    });

    it('sends a whole leverage with margin on, and refuses a fractional one before sending', async () => {
      const kraken = exchange({ margin: true });
      await kraken.placeOrder(anOrder({ leverage: 3 }));
      expect(sent('AddOrder')[0]!.params.get('leverage')).toBe('3');
      const err = await failure(kraken.placeOrder(anOrder({ leverage: 2.5 })));
      expect(err).toMatchObject({ code: 'EXCHANGE_REJECTED', details: { requestSent: false } });
      expect(sent('AddOrder')).toHaveLength(1);
    });
  });

  describe('open orders per pair', () => {
    // The recorded OpenOrders answer has one open order on XBTUSDT and one on ETHUSDT.
    it("refuses a resting order on a pair that has the tier's most open orders, before AddOrder", async () => {
      const kraken = exchange({ openOrdersPerPair: 1 });
      const err = await failure(kraken.placeOrder(anOrder({ symbol: 'BTC/USDT', limitPrice: '29000.0' })));
      expect(err).toMatchObject({
        code: 'EXCHANGE_REJECTED',
        details: { requestSent: false, openOrders: 1, limit: 1 },
      });
      expect(err.message).toContain('1 orders are open on BTC/USDT');
      expect(sent('AddOrder')).toEqual([]);
    });

    it('counts only the open orders of the same pair, and lets a market order (which never rests) go', async () => {
      const kraken = exchange({ openOrdersPerPair: 1 });
      await kraken.placeOrder(anOrder({ symbol: 'BTC/USD' }));
      await kraken.placeOrder(anOrder({ symbol: 'BTC/USDT', type: 'market', limitPrice: undefined }));
      expect(sent('AddOrder').map((r) => r.params.get('pair'))).toEqual(['XXBTZUSD', 'XBTUSDT']);
    });

    it("sends below the tier's limit", async () => {
      await exchange({ openOrdersPerPair: 2 }).placeOrder(anOrder({ symbol: 'BTC/USDT', limitPrice: '29000.0' }));
      expect(sent('AddOrder')).toHaveLength(1);
    });

    it('counts from a fresh OpenOrders answer while it leaves room, the resting orders placed since added; asks Kraken again near the limit', async () => {
      // 1 open on XBTUSDT; a limit of 13 leaves room for 12, 10 of them kept for other replicas.
      const kraken = exchange({ openOrdersPerPair: 13 });
      await kraken.openOrders();
      await kraken.placeOrder(anOrder({ symbol: 'BTC/USDT', limitPrice: '29000.0' }));
      expect(sent('OpenOrders')).toHaveLength(1);
      // 1 + 1 placed since: 2 + 10 = 12 < 13 still; one more and the count no longer serves.
      await kraken.placeOrder(anOrder({ symbol: 'BTC/USDT', limitPrice: '29000.0' }));
      expect(sent('OpenOrders')).toHaveLength(1);
      await kraken.placeOrder(anOrder({ symbol: 'BTC/USDT', limitPrice: '29000.0' }));
      expect(sent('OpenOrders')).toHaveLength(2);
      expect(sent('AddOrder')).toHaveLength(3);
    });
  });

  describe('balances', () => {
    it('counts Kraken Rewards (.F) balances as their asset and leaves staked, opt-in, bonded and parachain ones out', async () => {
      server.override('BalanceEx', {
        body: balanceExOf(
          JSON.stringify({
            error: [],
            result: {
              ZUSD: '100.0000',
              'USD.F': '5.5000',
              XXBT: '0.5',
              'XBT.F': '0.25',
              'DOT.S': '10',
              'XBT.M': '1',
              'ETH.B': '2',
              'DOT.P': '3',
              ETH: '2.0',
            },
          }),
        ),
      });
      expect(await exchange().balances()).toEqual({ USD: '105.5', BTC: '0.75', ETH: '2.0' });
    });

    it('reads what is free to trade from BalanceEx: balance + credit − credit_used − hold_trade', async () => {
      server.override('BalanceEx', {
        body: {
          error: [],
          result: {
            ZUSD: { balance: '1000.0000', hold_trade: '400.0000' },
            XXBT: { balance: '0.5', hold_trade: '0.2', credit: '0', credit_used: '0' },
            'XBT.F': { balance: '0.25', hold_trade: '0' },
            'DOT.S': { balance: '10', hold_trade: '0' },
          },
        },
      });
      expect(await exchange().availableBalances()).toEqual({ USD: '600', BTC: '0.55' });
      expect(sent('BalanceEx')).toHaveLength(1);
    });
  });

  describe('margin equity', () => {
    it("reads the equity from TradeBalance in the cash asset's Kraken name", async () => {
      server.override('TradeBalance', {
        body: {
          error: [],
          result: {
            eb: '1101.3425',
            tb: '392.2264',
            m: '7.0354',
            n: '-10.0232',
            c: '21.1063',
            v: '31.1297',
            e: '382.2032',
            mf: '375.1678',
            ml: '5432.57',
          },
        },
      });
      expect(await exchange({ margin: true }).marginEquity('USD')).toBe('382.2032');
      expect(sent('TradeBalance')[0]!.params.get('asset')).toBe('ZUSD');
    });
  });
});
