import { describe, expect, it } from 'vitest';
import { PositionSnapshot, takeSnapshot } from '../../src/positions/snapshot.ts';
import { aPosition, T0 } from './position-builders.ts';

describe('takeSnapshot', () => {
  const spotBtc = aPosition({ quantity: '0.1', avgEntryPrice: '60000', realizedPnlUsd: '-6', feesUsd: '6' });
  const marginXrp = aPosition({
    symbol: 'XRP/USD',
    side: 'short',
    quantity: '1000',
    avgEntryPrice: '0.6',
    leverage: 2,
    realizedPnlUsd: '4.5',
    feesUsd: '0.5',
  });

  it('adds spot notionals and margin P&L to cash and totals exposure and P&L', () => {
    const snapshot = takeSnapshot(
      [marginXrp, spotBtc],
      { 'BTC/USD': '65000', 'XRP/USD': '0.55', 'ETH/USD': '3000' },
      '4000.25',
      T0,
    );
    expect(snapshot).toMatchObject({
      atMs: T0,
      cashUsd: '4000.25',
      // 4000.25 + 6500 (spot BTC) + 50 (XRP short P&L)
      equityUsd: '10550.25',
      exposureUsd: '7050',
      unrealizedPnlUsd: '550',
      realizedPnlUsd: '-1.5',
      feesUsd: '6.5',
    });
    expect(snapshot.positions.map((p) => [p.symbol, p.notionalUsd, p.unrealizedPnlUsd])).toEqual([
      ['BTC/USD', '6500', '500'],
      ['XRP/USD', '550', '50'],
    ]);
    expect(PositionSnapshot.safeParse(snapshot).success).toBe(true);
  });

  it('is the cash alone without positions', () => {
    expect(takeSnapshot([], {}, '-12.5', T0)).toMatchObject({
      equityUsd: '-12.5',
      exposureUsd: '0',
      unrealizedPnlUsd: '0',
      positions: [],
    });
  });

  it('refuses a position without a mark', () => {
    expect(() => takeSnapshot([spotBtc], { 'XRP/USD': '1' }, '0', T0)).toThrow(
      expect.objectContaining({ code: 'DATA_INVALID' }),
    );
  });

  it('refuses two positions of one symbol', () => {
    expect(() => takeSnapshot([spotBtc, spotBtc], { 'BTC/USD': '1' }, '0', T0)).toThrow(/two positions for BTC\/USD/);
  });
});
