import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { anOrder } from '../../kraken/kraken-builders.ts';
import { flatBar, START_MS, startHarness, type Harness } from './stand-in-harness.ts';

const MINUTE = 60_000;

describe('Kraken stand-in: fills from fed bars', () => {
  let h: Harness;
  beforeEach(async () => {
    h = await startHarness({ balances: { ZUSD: '10000' } });
  });
  afterEach(async () => h.close());

  it('fills a market order at the last close with the taker fee, and moves the balances', async () => {
    h.standIn.applyBar('BTC/USD', flatBar('50000.0'));
    await h.exchange.placeOrder(anOrder({ type: 'market', limitPrice: undefined, quantity: '0.1' }));
    // 0.1 × 50000 = 5000, taker 0.26 % = 13.
    expect(h.standIn.balances()).toEqual({ ZUSD: '4987', XXBT: '0.1' });
    expect(await h.exchange.findByClientOrderId(anOrder().clientOrderId)).toMatchObject({
      status: 'closed',
      filledQuantity: '0.10000000',
      avgFillPrice: '50000',
      feeUsd: '13',
    });
  });

  it('fills a resting limit sell at its price (maker fee) and a sell stop gapped through at the open (taker fee)', async () => {
    h.standIn.applyBar('BTC/USD', flatBar('50000.0'));
    await h.exchange.placeOrder(
      anOrder({ clientOrderId: 'buy', type: 'market', limitPrice: undefined, quantity: '0.1' }),
    );
    await h.exchange.placeOrder(
      anOrder({ clientOrderId: 'tp', side: 'sell', type: 'limit', limitPrice: '51000.0', quantity: '0.05' }),
    );
    await h.exchange.placeOrder(
      anOrder({
        clientOrderId: 'stop',
        side: 'sell',
        type: 'stop-loss',
        limitPrice: undefined,
        triggerPrice: '48000.0',
        quantity: '0.05',
      }),
    );

    h.clock.advance(MINUTE);
    h.standIn.applyBar('BTC/USD', {
      openTimeMs: START_MS + MINUTE,
      open: '50500.0',
      high: '51500.0',
      low: '50400.0',
      close: '51200.0',
      volume: '3',
    });
    // 0.05 × 51000 = 2550, maker 0.16 % = 4.08.
    expect(await h.exchange.findByClientOrderId('tp')).toMatchObject({
      status: 'closed',
      avgFillPrice: '51000',
      feeUsd: '4.08',
    });
    expect(await h.exchange.findByClientOrderId('stop')).toMatchObject({
      status: 'open',
      filledQuantity: '0.00000000',
    });

    h.clock.advance(MINUTE);
    h.standIn.applyBar('BTC/USD', {
      openTimeMs: START_MS + 2 * MINUTE,
      open: '47000.0',
      high: '47500.0',
      low: '46000.0',
      close: '46500.0',
      volume: '3',
    });
    // Gapped below the trigger: filled at the open. 0.05 × 47000 = 2350, taker 0.26 % = 6.11.
    expect(await h.exchange.findByClientOrderId('stop')).toMatchObject({
      status: 'closed',
      avgFillPrice: '47000',
      feeUsd: '6.11',
    });
    // 10000 − 5013 + (2550 − 4.08) + (2350 − 6.11).
    expect(h.standIn.balances()).toEqual({ ZUSD: '9876.81', XXBT: '0' });
    const closed = await h.exchange.closedOrders(START_MS);
    expect(closed.map((o) => o.clientOrderId).sort()).toEqual(['buy', 'stop', 'tp']);
  });

  it('fills nothing on a bar without volume', async () => {
    h.standIn.applyBar('BTC/USD', flatBar('50000.0'));
    await h.exchange.placeOrder(anOrder({ limitPrice: '49000.0' }));
    h.standIn.applyBar('BTC/USD', { ...flatBar('48000.0', START_MS + MINUTE), volume: '0' });
    expect(h.standIn.orders()[0]).toMatchObject({ status: 'open', volumeExecuted: '0' });
  });
});

describe('Kraken stand-in: protection gaps', () => {
  let h: Harness;
  beforeEach(async () => {
    h = await startHarness({ balances: { ZUSD: '10000' } });
    h.standIn.applyBar('BTC/USD', flatBar('50000.0'));
  });
  afterEach(async () => h.close());

  const buy = () =>
    h.exchange.placeOrder(anOrder({ clientOrderId: 'buy', type: 'market', limitPrice: undefined, quantity: '0.1' }));
  const stop = (quantity: string, id = 'stop') =>
    h.exchange.placeOrder(
      anOrder({
        clientOrderId: id,
        side: 'sell',
        type: 'stop-loss',
        limitPrice: undefined,
        triggerPrice: '45000.0',
        quantity,
      }),
    );

  it('counts the time a holding waits for its stop beyond the grace, and none while an outage is on', async () => {
    await buy();
    h.clock.advance(10 * MINUTE);
    const placed = await stop('0.1');
    h.clock.advance(10 * MINUTE);
    await h.exchange.cancelOrder(placed.exchangeOrderId);
    h.clock.advance(5 * MINUTE);
    h.standIn.setOutage(true);
    h.clock.advance(2 * MINUTE);
    h.standIn.setOutage(false);
    h.clock.advance(3 * MINUTE);

    // First gap 10 min − 1 min grace = 9; second 10 min − 1 − 2 of outage = 7.
    const gaps = h.standIn.protectionGaps({ graceMs: MINUTE });
    expect(gaps.totalMinutes).toBe(16);
    expect(gaps.byPairMs).toEqual({ XXBTZUSD: 16 * MINUTE, XXRPZUSD: 0, ETHUSDT: 0 });
    expect(
      gaps.counted.map((g) => [g.pair, g.endMs === null ? null : (g.endMs - g.startMs) / MINUTE, g.countedMs / MINUTE]),
    ).toEqual([
      ['XXBTZUSD', 10, 9],
      ['XXBTZUSD', null, 7],
    ]);
    expect(h.standIn.protectionGaps({ graceMs: 0 }).totalMinutes).toBe(18);
  });

  it('counts a stop that covers less than holding − ordermin as no stop', async () => {
    await buy();
    await stop('0.05');
    h.clock.advance(4 * MINUTE);
    expect(h.standIn.protectionGaps({ graceMs: 0 }).totalMinutes).toBe(4);
    // 0.0999 = 0.1 − ordermin 0.0001: covered.
    await stop('0.0499', 'stop-2');
    h.clock.advance(4 * MINUTE);
    expect(h.standIn.protectionGaps({ graceMs: 0 }).totalMinutes).toBe(4);
  });

  it("opens a gap at the moment the dead man's switch cancels the stop", async () => {
    await buy();
    await h.exchange.armDeadManSwitch(60);
    await stop('0.1');
    h.clock.advance(5 * MINUTE);
    h.standIn.tick();
    // Uncovered from the trigger time (one minute in), not from when the timer was looked at.
    expect(h.standIn.protectionGaps({ graceMs: 0 }).totalMinutes).toBe(4);
  });
});
