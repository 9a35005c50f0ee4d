import { beforeAll, describe, expect, it } from 'vitest';
import type { Candle } from '../../src/model/candle.ts';
import { fillGaps } from '../../src/market/fill-gaps.ts';
import { readOhlcvtCsvFile } from '../../src/market/parse-ohlcvt-csv.ts';
import { projectRoot } from '../support/spawn-ts.ts';

const HOUR = 3_600_000;

function bar(openTimeMs: number, close: string, overrides: Partial<Candle> = {}): Candle {
  return {
    symbol: 'XRP/USD',
    timeframe: '1h',
    openTimeMs,
    open: close,
    high: close,
    low: close,
    close,
    volume: '10',
    trades: 3,
    gapFilled: false,
    ...overrides,
  };
}

describe('fillGaps', () => {
  let recorded: Candle[];
  beforeAll(async () => {
    recorded = await readOhlcvtCsvFile(`${projectRoot}data/market/kraken_XRPUSD_60.csv`, {
      symbol: 'XRP/USD',
      timeframe: '1h',
    });
  });

  it('fills the real 49-hour XRP gap of 2022-05-10 22:00 → 2022-05-13 00:00 at the previous close, as Kraken does', async () => {
    const before = Date.UTC(2022, 4, 10, 22);
    const after = Date.UTC(2022, 4, 13, 0);
    const slice = recorded.filter((c) => c.openTimeMs >= before && c.openTimeMs <= after);
    expect(slice.map((c) => c.openTimeMs)).toEqual([before, after]);
    expect(slice[0]!.close).toBe('0.507');

    const filled = fillGaps(slice);

    expect(filled).toHaveLength(51);
    expect(filled[0]).toBe(slice[0]);
    expect(filled[50]).toBe(slice[1]);
    const fillers = filled.slice(1, 50);
    expect(fillers).toHaveLength(49);
    fillers.forEach((c, i) => {
      expect(c).toEqual({
        symbol: 'XRP/USD',
        timeframe: '1h',
        openTimeMs: before + (i + 1) * HOUR,
        open: '0.507',
        high: '0.507',
        low: '0.507',
        close: '0.507',
        volume: '0',
        trades: 0,
        gapFilled: true,
      });
    });
  });

  it('turns the whole XRP recording into one bar per hour, adding exactly its 121 missing hours', () => {
    const filled = fillGaps(recorded);
    expect(filled).toHaveLength(recorded.length + 121);
    expect(filled.filter((c) => c.gapFilled)).toHaveLength(121);
    const offGrid = filled.filter((c, i) => i > 0 && c.openTimeMs - filled[i - 1]!.openTimeMs !== HOUR);
    expect(offGrid).toEqual([]);
    expect(filled[0]).toBe(recorded[0]);
    expect(filled.at(-1)).toBe(recorded.at(-1));
  });

  it('carries the close forward across consecutive gaps', () => {
    const filled = fillGaps([bar(0, '1'), bar(2 * HOUR, '2'), bar(5 * HOUR, '3')]);
    expect(filled.map((c) => [c.openTimeMs / HOUR, c.close, c.gapFilled])).toEqual([
      [0, '1', false],
      [1, '1', true],
      [2, '2', false],
      [3, '2', true],
      [4, '2', true],
      [5, '3', false],
    ]);
  });

  it('fills after the last bar only through the requested time', () => {
    const filled = fillGaps([bar(0, '1')], { throughOpenTimeMs: 3 * HOUR });
    expect(filled.map((c) => c.openTimeMs / HOUR)).toEqual([0, 1, 2, 3]);
    expect(fillGaps([bar(0, '1')])).toHaveLength(1);
  });

  it('leaves its input alone and returns nothing for nothing', () => {
    const input = Object.freeze([bar(0, '1'), bar(2 * HOUR, '2')]);
    fillGaps(input);
    expect(input).toHaveLength(2);
    expect(fillGaps([])).toEqual([]);
  });

  it('refuses to mix symbols', () => {
    expect(() => fillGaps([bar(0, '1'), bar(HOUR, '1', { symbol: 'BTC/USD' })])).toThrow(/across series/);
  });

  it('refuses bars out of order or off the timeframe grid', () => {
    expect(() => fillGaps([bar(HOUR, '1'), bar(0, '1')])).toThrow(/out of order/);
    expect(() => fillGaps([bar(HOUR, '1'), bar(HOUR, '1')])).toThrow(/out of order/);
    expect(() => fillGaps([bar(0, '1'), bar(HOUR + 60_000, '1')])).toThrow(/not aligned/);
  });
});
