import { describe, expect, it } from 'vitest';
import { parseCandleFile } from '../../src/market/parse-candle-file.ts';

const T0 = Date.UTC(2024, 0, 1); // 1704067200 s
const opts = { symbol: 'ETH/USD', timeframe: '5m', source: 'f.csv' } as const;

describe('candle files of every format', () => {
  it("reads Kraken's OHLCVT download as it is", () => {
    const bars = parseCandleFile('1704067200,1,2,0.5,1.5,10,3\n1704067500,1.5,1.6,1.4,1.4,2E+1,4\n', {
      ...opts,
      format: 'kraken',
    });
    expect(bars.map((b) => [b.openTimeMs, b.close, b.volume, b.trades])).toEqual([
      [T0, '1.5', '10', 3],
      [T0 + 300_000, '1.4', '20', 4],
    ]);
  });

  it('reads a CSV by its header, in any column order, times in milliseconds, without trades', () => {
    const text =
      'Timestamp,Close,Open,High,Low,Volume\n1704067200000,1.5,1,2,0.5,10\n1704067500000,1.4,1.5,1.6,1.4,20\n';
    const bars = parseCandleFile(text, { ...opts, format: 'csv' });
    expect(bars.map((b) => [b.openTimeMs, b.open, b.high, b.low, b.close, b.volume, b.trades])).toEqual([
      [T0, '1', '2', '0.5', '1.5', '10', 0],
      [T0 + 300_000, '1.5', '1.6', '1.4', '1.4', '20', 0],
    ]);
  });

  it('reads a CSV without a header, and ISO dates', () => {
    const bars = parseCandleFile('2024-01-01T00:00:00Z,1,2,0.5,1.5,10,3\n2024-01-01 00:05:00,1.5,1.6,1.4,1.4,20,4\n', {
      ...opts,
      format: 'csv',
    });
    expect(bars.map((b) => b.openTimeMs)).toEqual([T0, T0 + 300_000]);
  });

  it("reads Binance's microsecond times", () => {
    const bars = parseCandleFile('1704067200000000,1,2,0.5,1.5,10,1704067499999999,15,3,5,7.5,0\n', {
      ...opts,
      format: 'binance',
    });
    expect(bars.map((b) => b.openTimeMs)).toEqual([T0]);
  });

  it('reads Binance klines with and without their header', () => {
    const rows = [
      '1704067200000,1,2,0.5,1.5,10,1704067499999,15,3,5,7.5,0',
      '1704067500000,1.5,1.6,1.4,1.4,20,1704067799999,29,4,10,14.5,0',
    ];
    const header =
      'open_time,open,high,low,close,volume,close_time,quote_volume,count,taker_buy_volume,taker_buy_quote_volume,ignore';
    for (const text of [rows.join('\n'), [header, ...rows].join('\n')]) {
      const bars = parseCandleFile(text, { ...opts, format: 'binance' });
      expect(bars.map((b) => [b.openTimeMs, b.close, b.volume, b.trades])).toEqual([
        [T0, '1.5', '10', 3],
        [T0 + 300_000, '1.4', '20', 4],
      ]);
    }
  });

  it.each([
    [
      'kraken',
      'time,open,high,low,close,volume,trades\n',
      'f.csv:1: a Kraken OHLCVT file has no header; use --format csv',
    ],
    ['csv', 'time,open,high,low,close\n1704067200,1,1,1,1\n', 'f.csv:1: the header has no column for volume'],
    ['csv', '1704067200,1,2,0.5,1.5,10\n1704067500,1,0.5,2,1,10\n', 'f.csv:2: low 2 is above high 0.5'],
    ['csv', '1704067200,1,2,0.5,1.5,10\n\n', 'f.csv:2: empty line'],
    ['csv', '1704067260,1,2,0.5,1.5,10\n', 'f.csv:1: time 1704067260 is not aligned to 5m bars'],
    [
      'csv',
      '1704067200,1,2,0.5,1.5,10\nyesterday,1,2,0.5,1.5,10\n',
      'f.csv:2: time "yesterday" is not Unix seconds, milliseconds or microseconds or an ISO date',
    ],
    [
      'binance',
      '1704067200500,1,2,0.5,1.5,10,0,0,3\n',
      'f.csv:1: time 1704067200500 (milliseconds) is not on a whole second',
    ],
    ['binance', '1704067200000,1,2,0.5,1.5,10\n', 'f.csv:1: expected at least 9 columns, got 6'],
    [
      'csv',
      '1704067500,1,2,0.5,1.5,10\n1704067200,1,2,0.5,1.5,10\n',
      "f.csv:2: time 1704067200 is not after the previous row's 1704067500",
    ],
    [
      'kraken',
      '1704067200000,1,2,0.5,1.5,10,1704067499999,15,3,5,7.5,0\n',
      'f.csv:1: 12 columns: a Kraken OHLCVT row has 7 (time,open,high,low,close,volume,trades); use --format binance or csv',
    ],
    [
      'binance',
      '1704067200000000000,1,2,0.5,1.5,10,0,0,3\n',
      'f.csv:1: time 1704067200000000000 read as microseconds is after 2100',
    ],
    [
      'csv',
      '1704067200,1,2,0.5,1.5,10\n1704070800,1,2,0.5,1.5,10\n',
      'f.csv: no two rows are one 5m bar apart (the closest are 60 minutes apart): is --timeframe right?',
    ],
  ] as const)('refuses a bad %s row, naming its line and what is wrong: %j', (format, text, message) => {
    expect(() => parseCandleFile(text, { ...opts, format })).toThrow(
      expect.objectContaining({ code: 'DATA_INVALID', message }),
    );
  });
});
