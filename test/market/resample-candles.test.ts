import { describe, expect, it } from 'vitest';
import { resampleCandles } from '../../src/market/resample-candles.ts';
import type { Candle } from '../../src/model/candle.ts';

const T0 = Date.UTC(2024, 0, 1);
const bar = (
  minute: number,
  o: string,
  h: string,
  l: string,
  c: string,
  v: string,
  trades = 1,
  gapFilled = false,
): Candle => ({
  symbol: 'ETH/USD',
  timeframe: '5m',
  openTimeMs: T0 + minute * 60_000,
  open: o,
  high: h,
  low: l,
  close: c,
  volume: v,
  trades,
  gapFilled,
});

describe('resampling', () => {
  it('makes whole bars of the larger timeframe, worked by hand, leaving out the incomplete first and last', () => {
    const bars = [
      bar(10, '9', '9', '9', '9', '1'), // 00:10: the 00:00 bar lacks 00:00 and 00:05
      bar(15, '10', '12', '9.5', '11', '1.5', 2),
      bar(20, '11', '11.5', '8', '9', '0.25', 3),
      bar(25, '9', '10', '9', '9.75', '2', 4),
      bar(30, '9.75', '9.75', '9.75', '9.75', '0', 0, true), // 00:30: the 00:30 bar lacks 00:35, 00:40
    ];
    expect(resampleCandles(bars, '15m')).toEqual([
      {
        symbol: 'ETH/USD',
        timeframe: '15m',
        openTimeMs: T0 + 15 * 60_000,
        open: '10',
        high: '12',
        low: '8',
        close: '9.75',
        volume: '3.75',
        trades: 9,
        gapFilled: false,
      },
    ]);
  });

  it('marks a bar filled only when every smaller bar in it was', () => {
    const quiet = [0, 5, 10].map((m) => bar(m, '5', '5', '5', '5', '0', 0, true));
    expect(resampleCandles(quiet, '15m')[0]).toMatchObject({ gapFilled: true, volume: '0', trades: 0 });
  });

  it.each(['5m', '1m'] as const)('refuses %s: not a larger timeframe made of whole bars', (to) => {
    expect(() => resampleCandles([bar(0, '1', '1', '1', '1', '1')], to)).toThrow(
      `cannot resample 5m bars to ${to}: pick a larger timeframe made of whole 5m bars`,
    );
  });
});
