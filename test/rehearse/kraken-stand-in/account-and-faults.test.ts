import { afterEach, describe, expect, it } from 'vitest';
import { anOrder, failure } from '../../kraken/kraken-builders.ts';
import { TEST_API_SECRET } from '../../support/kraken-private-server.ts';
import { START_MS, startHarness, type Harness } from './stand-in-harness.ts';

describe('Kraken stand-in: account, limits and faults', () => {
  let h: Harness;
  afterEach(async () => h.close());

  describe('authentication and permissions', () => {
    it('refuses a wrong key, a wrong signature and a nonce not above the last one', async () => {
      h = await startHarness();
      expect((await h.signed('Balance', {}, { apiKey: 'someone-else' })).error).toEqual(['EAPI:Invalid key']);
      const otherSecret = Buffer.from('x'.repeat(64)).toString('base64');
      expect((await h.signed('Balance', {}, { secret: otherSecret })).error).toEqual(['EAPI:Invalid signature']);
      const nonce = Date.now() * 1000 + 5_000_000;
      expect((await h.signed('Balance', {}, { nonce })).error).toEqual([]);
      expect((await h.signed('Balance', {}, { nonce })).error).toEqual(['EAPI:Invalid nonce']);
      expect((await h.signed('Balance', {}, { nonce: nonce - 1, secret: TEST_API_SECRET })).error).toEqual([
        'EAPI:Invalid nonce',
      ]);
    });

    it('refuses a method the key has no permission for, and GetApiKeyInfo reports what it has', async () => {
      h = await startHarness({ permissions: ['Query Funds', 'Query Open Orders & Trades'] });
      const err = await failure(h.exchange.placeOrder(anOrder()));
      expect(err.details['krakenError']).toBe('EGeneral:Permission denied');
      expect(await h.exchange.balances()).toEqual({ USD: '10000', BTC: '0' });
      const info = await h.signed('GetApiKeyInfo');
      expect(info.result).toMatchObject({
        apiKey: 'tg-test-api-key-0001',
        permissions: ['query-funds', 'query-open-trades'],
        nonceWindow: 0,
      });
    });
  });

  describe('rate limits', () => {
    it("refuses the call past the tier's REST counter (starter: 15) with EAPI:Rate limit exceeded", async () => {
      h = await startHarness();
      for (let i = 0; i < 15; i++) await h.exchange.balances();
      const err = await failure(h.exchange.balances());
      expect(err).toMatchObject({
        code: 'EXCHANGE_RATE_LIMITED',
        details: { krakenError: 'EAPI:Rate limit exceeded' },
      });
      expect(h.standIn.rateLimitErrors()).toEqual({ api: 1, trading: 0 });
      // The counter decays at 0.33/s: three seconds later one call fits again.
      h.clock.advance(3_100);
      expect((await h.signed('Balance')).error).toEqual([]);
    });

    it("refuses an order past the pair's trading counter: quick cancels cost 8 each (starter: 60)", async () => {
      h = await startHarness({ balances: { ZUSD: '100000' } });
      // Each round adds 1 (AddOrder) + 8 (cancel under 5 s): the 7th round's cancel would reach 63.
      const errors: string[] = [];
      for (let i = 0; i < 7 && errors.length === 0; i++) {
        const placed = await h.signed('AddOrder', {
          pair: 'XXBTZUSD',
          type: 'buy',
          ordertype: 'limit',
          price: '10000.0',
          volume: '0.001',
        });
        const txid = (placed.result!['txid'] as string[])[0]!;
        errors.push(...(await h.signed('CancelOrder', { txid })).error);
      }
      expect(errors).toEqual(['EOrder:Rate limit exceeded']);
      expect(h.standIn.rateLimitErrors()).toEqual({ api: 0, trading: 1 });
      // Another pair's counter is untouched.
      const xrp = await h.signed('AddOrder', {
        pair: 'XXRPZUSD',
        type: 'buy',
        ordertype: 'limit',
        price: '0.5',
        volume: '20',
      });
      expect(xrp.error).toEqual([]);
    });
  });

  describe("dead man's switch", () => {
    it('cancels every open order when the CancelAllOrdersAfter timer expires, at its trigger time', async () => {
      h = await startHarness();
      const trigger = await h.exchange.armDeadManSwitch(60);
      expect(trigger).toBe('2026-01-05T12:01:00Z');
      await h.exchange.placeOrder(anOrder());
      h.clock.advance(59_999);
      h.standIn.tick();
      expect(h.standIn.orders().map((o) => o.status)).toEqual(['open']);
      h.clock.advance(1);
      h.standIn.tick();
      expect(h.standIn.orders()).toMatchObject([
        { status: 'canceled', closedAtMs: START_MS + 60_000, reason: 'Dead man switch' },
      ]);
      expect(await h.exchange.openOrders()).toEqual([]);
    });

    it('is disarmed by a timeout of 0, and fired by hand at once', async () => {
      h = await startHarness();
      await h.exchange.armDeadManSwitch(60);
      expect(await h.exchange.armDeadManSwitch(0)).toBeNull();
      await h.exchange.placeOrder(anOrder());
      h.clock.advance(120_000);
      h.standIn.tick();
      expect(h.standIn.orders()[0]!.status).toBe('open');
      h.standIn.fireDeadManSwitch();
      expect(h.standIn.orders()[0]!.status).toBe('canceled');
    });
  });

  describe('faults', () => {
    it('timeoutAfterAccept: the client times out, yet the order is placed', async () => {
      h = await startHarness();
      h.standIn.faults.inject('AddOrder', 'timeoutAfterAccept');
      const err = await failure(h.exchange.placeOrder(anOrder()));
      expect(err).toMatchObject({ code: 'TIMEOUT', details: { requestSent: true } });
      expect(h.standIn.orders()).toMatchObject([{ clOrdId: anOrder().clientOrderId, status: 'open' }]);
      expect(await h.exchange.findByClientOrderId(anOrder().clientOrderId)).toMatchObject({
        status: 'open',
        symbol: 'BTC/USD',
      });
    });

    it.each([
      ['serverError', 'EXCHANGE_UNAVAILABLE'],
      ['dropConnection', 'EXCHANGE_UNAVAILABLE'],
      ['invalidNonce', 'EXCHANGE_UNAVAILABLE'],
    ] as const)('%s: the request fails as %s and nothing is placed; the next one goes through', async (kind, code) => {
      h = await startHarness();
      h.standIn.faults.inject('AddOrder', kind);
      expect(await failure(h.exchange.placeOrder(anOrder()))).toMatchObject({ code });
      expect(h.standIn.orders()).toEqual([]);
      await h.exchange.placeOrder(anOrder());
      expect(h.standIn.orders()).toHaveLength(1);
    });

    it('an outage refuses every connection until it ends', async () => {
      h = await startHarness();
      await h.exchange.balances();
      h.standIn.setOutage(true);
      expect(await failure(h.exchange.balances())).toMatchObject({ code: 'EXCHANGE_UNAVAILABLE' });
      await expect(fetch(`${h.standIn.url}/0/public/Time`)).rejects.toThrow();
      h.standIn.setOutage(false);
      expect(await h.exchange.balances()).toEqual({ USD: '10000', BTC: '0' });
    });
  });

  describe('balances and time', () => {
    it('reports Kraken Rewards .F balances in Balance and BalanceEx', async () => {
      h = await startHarness({ balances: { ZUSD: '100', XXBT: '0.2', 'XBT.F': '0.0125' } });
      expect((await h.signed('Balance')).result).toEqual({ ZUSD: '100', XXBT: '0.2', 'XBT.F': '0.0125' });
      expect((await h.signed('BalanceEx')).result!['XBT.F']).toEqual({ balance: '0.0125', hold_trade: '0' });
      // Rewards balances count as the asset they are of.
      expect(await h.exchange.balances()).toEqual({ USD: '100', BTC: '0.2125' });
    });

    it("answers Time on Kraken's clock, offset from ours", async () => {
      h = await startHarness({ timeOffsetMs: -90_000 });
      const time = (await (await fetch(`${h.standIn.url}/0/public/Time`)).json()) as { result: { unixtime: number } };
      expect(time.result.unixtime).toBe((START_MS - 90_000) / 1000);
      const status = (await (await fetch(`${h.standIn.url}/0/public/SystemStatus`)).json()) as {
        result: { status: string };
      };
      expect(status.result.status).toBe('online');
    });
  });
});
