import { describe, expect, it } from 'vitest';
import { matchOrder } from '../../../src/exchange/paper/match-order.ts';
import { aBar, anOrder, matchSettings } from './paper-builders.ts';

const settings = matchSettings();

describe('matchOrder: market', () => {
  it('buys at the bar open plus slippage with the taker fee', () => {
    expect(matchOrder(anOrder(), aBar(1, { open: '20000', high: '20100', low: '19900' }), settings)).toEqual({
      filled: true,
      quantity: '0.1',
      price: '20010', // 20000 × 1.0005
      feeUsd: '8.004', // 0.1 × 20010 × 0.4 %
      liquidity: 'taker',
      remainingQuantity: '0',
      triggered: false,
    });
  });

  it('sells at the bar open minus slippage', () => {
    expect(matchOrder(anOrder({ side: 'sell' }), aBar(1), settings)).toMatchObject({
      filled: true,
      price: '19990',
      feeUsd: '7.996',
    });
  });

  it('fills at the open without slippage when slippage is 0', () => {
    expect(
      matchOrder(anOrder(), aBar(1, { open: '20000.5', high: '20001' }), matchSettings({ slippageBps: 0 })),
    ).toMatchObject({ price: '20000.5' });
  });
});

describe('matchOrder: limit', () => {
  const buy = anOrder({ type: 'limit', limitPrice: '19000' });
  const sell = anOrder({ type: 'limit', side: 'sell', limitPrice: '21000' });

  it('rests a buy while the low stays above the limit', () => {
    expect(
      matchOrder(buy, aBar(1, { open: '19500', high: '19600', low: '19000.01', close: '19100' }), settings),
    ).toEqual({
      filled: false,
      reason: 'not-crossed',
      triggered: false,
    });
  });

  it('fills a buy at the limit, maker fee, no slippage, when the low touches it', () => {
    expect(
      matchOrder(buy, aBar(1, { open: '19500', high: '19600', low: '19000', close: '19100' }), settings),
    ).toMatchObject({
      filled: true,
      price: '19000',
      feeUsd: '4.75', // 0.1 × 19000 × 0.25 %
      liquidity: 'maker',
    });
  });

  it('fills a buy at the open when the bar gaps down through the limit (the better price)', () => {
    expect(
      matchOrder(buy, aBar(1, { open: '18500', high: '18600', low: '18400', close: '18500' }), settings),
    ).toMatchObject({ price: '18500' });
  });

  it('fills a sell when the high reaches the limit, at max(open, limit)', () => {
    expect(
      matchOrder(sell, aBar(1, { open: '20500', high: '20999.99', low: '20400', close: '20600' }), settings),
    ).toMatchObject({ filled: false });
    expect(
      matchOrder(sell, aBar(1, { open: '20500', high: '21100', low: '20400', close: '21000' }), settings),
    ).toMatchObject({ price: '21000' });
    expect(
      matchOrder(sell, aBar(1, { open: '21500', high: '21600', low: '21400', close: '21500' }), settings),
    ).toMatchObject({ price: '21500' });
  });
});

describe('matchOrder: stop-loss', () => {
  const stopSell = anOrder({ type: 'stop-loss', side: 'sell', triggerPrice: '19000' });
  const stopBuy = anOrder({ type: 'stop-loss', side: 'buy', triggerPrice: '21000' });

  it('does not trigger a sell stop while the low stays above it', () => {
    expect(
      matchOrder(stopSell, aBar(1, { open: '19500', high: '19600', low: '19001', close: '19100' }), settings),
    ).toMatchObject({ filled: false, triggered: false });
  });

  it('fills a sell stop crossed inside the bar at the stop minus slippage, taker fee', () => {
    expect(
      matchOrder(stopSell, aBar(1, { open: '19500', high: '19600', low: '18800', close: '18900' }), settings),
    ).toMatchObject({
      filled: true,
      price: '18990.5', // 19000 × 0.9995
      feeUsd: '7.5962', // 0.1 × 18990.5 × 0.4 %
      liquidity: 'taker',
      triggered: true,
    });
  });

  it('fills a sell stop gapped through at the gap (open) price, not the stop', () => {
    expect(
      matchOrder(stopSell, aBar(1, { open: '18000', high: '18200', low: '17900', close: '18100' }), settings),
    ).toMatchObject({
      price: '17991', // 18000 × 0.9995
    });
  });

  it('fills a buy stop (closing a short) when the high reaches it, at max(open, trigger) plus slippage', () => {
    expect(
      matchOrder(stopBuy, aBar(1, { open: '20500', high: '21100', low: '20400', close: '21000' }), settings),
    ).toMatchObject({ price: '21010.5' });
    expect(
      matchOrder(stopBuy, aBar(1, { open: '22000', high: '22100', low: '21900', close: '22000' }), settings),
    ).toMatchObject({ price: '22011' });
  });

  it('fills the rest of a triggered stop at the next open at market, even back above the stop', () => {
    const triggered = { ...stopSell, triggered: true };
    expect(
      matchOrder(triggered, aBar(2, { open: '19500', high: '19600', low: '19400', close: '19500' }), settings),
    ).toMatchObject({
      filled: true,
      price: '19490.25', // 19500 × 0.9995
      triggered: true,
    });
  });
});

describe('matchOrder: take-profit', () => {
  const tpSell = anOrder({ type: 'take-profit', side: 'sell', triggerPrice: '21000' });
  const tpBuy = anOrder({ type: 'take-profit', side: 'buy', triggerPrice: '19000' });

  it('fills a sell when the high reaches the target, at max(open, target) minus slippage', () => {
    expect(
      matchOrder(tpSell, aBar(1, { open: '20500', high: '20999', low: '20400', close: '20900' }), settings),
    ).toMatchObject({ filled: false });
    expect(
      matchOrder(tpSell, aBar(1, { open: '20500', high: '21200', low: '20400', close: '21100' }), settings),
    ).toMatchObject({
      price: '20989.5',
      liquidity: 'taker',
      triggered: true,
    });
    expect(
      matchOrder(tpSell, aBar(1, { open: '22000', high: '22200', low: '21900', close: '22100' }), settings),
    ).toMatchObject({ price: '21989' });
  });

  it('fills a buy (closing a short) when the low reaches the target, at min(open, target) plus slippage', () => {
    expect(
      matchOrder(tpBuy, aBar(1, { open: '19500', high: '19600', low: '18900', close: '19000' }), settings),
    ).toMatchObject({ price: '19009.5' });
  });
});

describe('matchOrder: volume', () => {
  it('fills at most maxBarVolumeShare of the bar volume, leaving the rest open', () => {
    const big = anOrder({ remainingQuantity: '2.5' });
    expect(matchOrder(big, aBar(1, { volume: '10' }), settings)).toMatchObject({
      filled: true,
      quantity: '1',
      remainingQuantity: '1.5',
      feeUsd: '80.04',
    });
  });

  it('cuts the volume cap down to whole lots of 1e-8', () => {
    expect(matchOrder(anOrder({ remainingQuantity: '1' }), aBar(1, { volume: '0.123456789' }), settings)).toMatchObject(
      {
        quantity: '0.01234567',
        remainingQuantity: '0.98765433',
      },
    );
    expect(matchOrder(anOrder(), aBar(1, { volume: '0.00000005' }), settings)).toEqual({
      filled: false,
      reason: 'below-lot',
      triggered: false,
    });
  });

  it('fills the whole remaining quantity, however many decimals, when it fits under the cap', () => {
    expect(matchOrder(anOrder({ remainingQuantity: '0.123456789012345678' }), aBar(1), settings)).toMatchObject({
      quantity: '0.123456789012345678',
      remainingQuantity: '0',
    });
  });

  it('fills and triggers nothing in a bar without volume (gap-filled)', () => {
    const stop = anOrder({ type: 'stop-loss', side: 'sell', triggerPrice: '21000' });
    expect(matchOrder(anOrder(), aBar(1, { volume: '0' }), settings)).toEqual({
      filled: false,
      reason: 'no-volume',
      triggered: false,
    });
    expect(matchOrder(stop, aBar(1, { volume: '0' }), settings)).toEqual({
      filled: false,
      reason: 'no-volume',
      triggered: false,
    });
  });

  it('keeps a stop triggered when the bar crosses it but its share of the volume is below one lot', () => {
    const stop = anOrder({ type: 'stop-loss', side: 'sell', triggerPrice: '21000' });
    expect(matchOrder(stop, aBar(1, { volume: '0.00000001' }), settings)).toEqual({
      filled: false,
      reason: 'below-lot',
      triggered: true,
    });
  });
});
