import { Decimal } from 'decimal.js';
import { describe, expect, it } from 'vitest';
import type { Position, PositionProtection } from '../../src/positions/position.ts';
import {
  checkProtection,
  priceAsBar,
  ratchetTrailing,
  startTrailing,
  type PriceBar,
} from '../../src/positions/protective-check.ts';
import { aPosition } from './position-builders.ts';

const bar = (open: string, high: string, low: string, close: string): PriceBar => ({ open, high, low, close });
const long = (protection: Partial<PositionProtection>): Position =>
  aPosition({ protection: { stopLoss: null, takeProfit: null, trailing: null, ...protection } });
const short = (protection: Partial<PositionProtection>): Position =>
  aPosition({
    side: 'short',
    leverage: 2,
    protection: { stopLoss: null, takeProfit: null, trailing: null, ...protection },
  });

describe('checkProtection', () => {
  it('does nothing without protection', () => {
    expect(checkProtection(aPosition(), bar('100', '200', '1', '100'))).toBeNull();
  });

  it('does nothing while the price stays between the levels', () => {
    expect(
      checkProtection(long({ stopLoss: '95', takeProfit: '110' }), bar('100', '109.99', '95.01', '101')),
    ).toBeNull();
  });

  it('stops a long out at the stop when the bar falls through it', () => {
    expect(checkProtection(long({ stopLoss: '95' }), bar('100', '101', '94', '96'))).toEqual({
      action: 'stop_loss',
      triggerPrice: '95',
      fillPrice: '95',
      gapped: false,
      exitSide: 'sell',
      quantity: '1',
    });
  });

  it('triggers on a price exactly at the stop', () => {
    expect(checkProtection(long({ stopLoss: '95' }), priceAsBar('95'))).toMatchObject({
      action: 'stop_loss',
      fillPrice: '95',
      gapped: false,
    });
  });

  it('fills at the open when a long gaps down through its stop', () => {
    expect(checkProtection(long({ stopLoss: '95' }), bar('90', '92', '88', '91'))).toMatchObject({
      action: 'stop_loss',
      triggerPrice: '95',
      fillPrice: '90',
      gapped: true,
    });
  });

  it('fills at the open when a short gaps up through its stop', () => {
    expect(checkProtection(short({ stopLoss: '105' }), bar('108', '110', '107', '109'))).toEqual({
      action: 'stop_loss',
      triggerPrice: '105',
      fillPrice: '108',
      gapped: true,
      exitSide: 'buy',
      quantity: '1',
    });
  });

  it('takes profit at the level, or at a better open after a gap', () => {
    expect(checkProtection(long({ takeProfit: '110' }), bar('105', '111', '104', '109'))).toMatchObject({
      action: 'take_profit',
      fillPrice: '110',
      gapped: false,
    });
    expect(checkProtection(long({ takeProfit: '110' }), bar('112', '113', '111', '112'))).toMatchObject({
      action: 'take_profit',
      fillPrice: '112',
      gapped: true,
    });
    expect(checkProtection(short({ takeProfit: '90' }), bar('95', '96', '89', '92'))).toMatchObject({
      action: 'take_profit',
      fillPrice: '90',
      exitSide: 'buy',
    });
  });

  it('assumes the stop loss came first when one bar touches both stop loss and take profit', () => {
    expect(checkProtection(long({ stopLoss: '95', takeProfit: '110' }), bar('100', '111', '94', '105'))).toMatchObject({
      action: 'stop_loss',
      fillPrice: '95',
    });
    expect(checkProtection(short({ stopLoss: '105', takeProfit: '90' }), bar('100', '106', '89', '95'))).toMatchObject({
      action: 'stop_loss',
      fillPrice: '105',
    });
  });

  it('takes profit when the bar opens through the take profit, even if it later touches the stop', () => {
    expect(checkProtection(long({ stopLoss: '95', takeProfit: '110' }), bar('112', '113', '94', '96'))).toMatchObject({
      action: 'take_profit',
      fillPrice: '112',
      gapped: true,
    });
  });

  it('reports the stop nearer the open when the trailing stop and the stop loss both trigger', () => {
    const position = long({ stopLoss: '95', trailing: { distancePct: 3, highWaterPrice: '100', stopPrice: '97' } });
    expect(checkProtection(position, bar('99', '99', '94', '94'))).toMatchObject({
      action: 'trailing_stop',
      triggerPrice: '97',
      fillPrice: '97',
    });
    // A gap through both fills at the open; the stop loss is reported.
    expect(checkProtection(position, bar('93', '93', '92', '92'))).toMatchObject({
      action: 'stop_loss',
      fillPrice: '93',
      gapped: true,
    });
  });

  it('checks the trailing stop from before the bar, not one ratcheted on the same bar', () => {
    const position = long({ trailing: { distancePct: 5, highWaterPrice: '100', stopPrice: '95' } });
    // The high of 120 would lift the stop to 114, which the low of 96 is below; but the low may
    // have come first, while the stop was still 95.
    expect(checkProtection(position, bar('100', '120', '96', '118'))).toBeNull();
    expect(checkProtection(position, bar('100', '101', '94', '96'))).toMatchObject({
      action: 'trailing_stop',
      fillPrice: '95',
    });
  });

  it('refuses an impossible bar', () => {
    expect(() => checkProtection(long({ stopLoss: '95' }), bar('100', '99', '98', '99'))).toThrow();
    expect(() => checkProtection(long({ stopLoss: '95' }), bar('0', '1', '0', '1'))).toThrow();
  });
});

describe('startTrailing', () => {
  it('starts behind the price on the losing side', () => {
    expect(startTrailing('long', 2, '100')).toEqual({ distancePct: 2, highWaterPrice: '100', stopPrice: '98' });
    expect(startTrailing('short', 2.5, '100')).toEqual({ distancePct: 2.5, lowWaterPrice: '100', stopPrice: '102.5' });
  });
});

describe('ratchetTrailing', () => {
  it('returns null without a trailing stop', () => {
    expect(ratchetTrailing(aPosition(), priceAsBar('120'))).toBeNull();
  });

  it('raises a long stop with the high-water mark', () => {
    const position = long({ trailing: startTrailing('long', 2, '100') });
    expect(ratchetTrailing(position, bar('100', '110', '99', '109'))).toEqual({
      distancePct: 2,
      highWaterPrice: '110',
      stopPrice: '107.8',
    });
  });

  it('never loosens a long stop, whatever the prices do', () => {
    let position = long({ trailing: startTrailing('long', 5, '100') });
    const closes = ['104', '101', '110', '99', '108.5', '112', '90', '112', '111.99'];
    const stops: string[] = [];
    for (const close of closes) {
      const trailing = ratchetTrailing(position, priceAsBar(close));
      position = { ...position, protection: { ...position.protection, trailing } };
      stops.push(trailing?.stopPrice ?? '');
    }
    expect(stops).toEqual(['98.8', '98.8', '104.5', '104.5', '104.5', '106.4', '106.4', '106.4', '106.4']);
    for (let i = 1; i < stops.length; i += 1) expect(new Decimal(stops[i] ?? '0').gte(stops[i - 1] ?? '0')).toBe(true);
  });

  it('keeps a stop tighter than the distance would give (a widened distance never loosens it)', () => {
    const position = long({ trailing: { distancePct: 10, highWaterPrice: '100', stopPrice: '98' } });
    expect(ratchetTrailing(position, priceAsBar('101'))).toEqual({
      distancePct: 10,
      highWaterPrice: '101',
      stopPrice: '98',
    });
  });

  it('lowers a short stop with the low-water mark and never raises it', () => {
    let position = short({ trailing: startTrailing('short', 2, '100') });
    const stops = ['95', '97', '90', '99'].map((price) => {
      const trailing = ratchetTrailing(position, bar(price, price, price, price));
      position = { ...position, protection: { ...position.protection, trailing } };
      return trailing;
    });
    expect(stops.map((t) => t?.stopPrice)).toEqual(['96.9', '96.9', '91.8', '91.8']);
    expect(stops.at(-1)).toEqual({ distancePct: 2, lowWaterPrice: '90', stopPrice: '91.8' });
  });

  it('ratchets on the bar extreme: the high for a long, the low for a short', () => {
    expect(
      ratchetTrailing(long({ trailing: startTrailing('long', 10, '100') }), bar('100', '150', '80', '90'))?.stopPrice,
    ).toBe('135');
    expect(
      ratchetTrailing(short({ trailing: startTrailing('short', 10, '100') }), bar('100', '150', '50', '120'))
        ?.stopPrice,
    ).toBe('55');
  });
});
