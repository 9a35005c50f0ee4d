import { describe, expect, it } from 'vitest';
import { parseOhlcvtCsv, readOhlcvtCsvFile } from '../../src/market/parse-ohlcvt-csv.ts';
import type { Candle } from '../../src/model/candle.ts';
import { TriplegainError } from '../../src/shared/triplegain-error.ts';
import { projectRoot } from '../support/spawn-ts.ts';

const opts = { symbol: 'BTC/USD', timeframe: '1h', source: 'test.csv' } as const;

async function parse(text: string): Promise<Candle[]> {
  const out: Candle[] = [];
  for await (const c of parseOhlcvtCsv(text, opts)) out.push(c);
  return out;
}

async function parseError(text: string): Promise<TriplegainError> {
  try {
    await parse(text);
  } catch (err) {
    if (err instanceof TriplegainError) return err;
    throw err;
  }
  throw new Error('expected the parse to fail');
}

const GOOD_1 = '1656626400,19900.0,19950.5,19850.1,19900.0,12.5,100';
const GOOD_2 = '1656630000,18868.2,19979.4,18861.2,19949.9,613.27165649,3421';

describe('parseOhlcvtCsv', () => {
  it('reads Kraken rows into candles, keeping the decimal strings as written', async () => {
    expect(await parse(`${GOOD_1}\n${GOOD_2}\n`)).toEqual([
      {
        symbol: 'BTC/USD',
        timeframe: '1h',
        openTimeMs: 1_656_626_400_000,
        open: '19900.0',
        high: '19950.5',
        low: '19850.1',
        close: '19900.0',
        volume: '12.5',
        trades: 100,
        gapFilled: false,
      },
      {
        symbol: 'BTC/USD',
        timeframe: '1h',
        openTimeMs: 1_656_630_000_000,
        open: '18868.2',
        high: '19979.4',
        low: '18861.2',
        close: '19949.9',
        volume: '613.27165649',
        trades: 3421,
        gapFilled: false,
      },
    ]);
  });

  it('turns the exponent notation of some Kraken volumes into plain decimals', async () => {
    const [candle] = await parse('1390024800,834.1,834.1,834.1,834.1,4E+1,1\n');
    expect(candle?.volume).toBe('40');
    const [xrp] = await parse('1656626400,0.3,0.3,0.3,0.3,2.228E+4,3\n');
    expect(xrp?.volume).toBe('22280');
  });

  it('accepts CRLF line endings', async () => {
    expect(await parse(`${GOOD_1}\r\n${GOOD_2}\r\n`)).toHaveLength(2);
  });

  it.each([
    ['a row with too few columns', `${GOOD_1}\n1656630000,1,1,1,1,1\n`, 2, /expected 7 columns .* got 6/],
    ['a row with too many columns', `1656630000,1,1,1,1,1,1,1\n`, 1, /expected 7 columns .* got 8/],
    [
      'a time that goes backwards',
      `${GOOD_2}\n${GOOD_1}\n`,
      2,
      /time 1656626400 is not after the previous row's 1656630000/,
    ],
    ['a repeated time', `${GOOD_1}\n${GOOD_1}\n`, 2, /is not after the previous row's/],
    ['low above high', `${GOOD_1}\n1656630000,10,10,11,10,1,1\n`, 2, /low 11 is above high 10/],
    [
      'low above high by less than a float can tell',
      '1656630000,1.0000000000000000001,1.0000000000000000001,1.00000000000000000011,1.0000000000000000001,1,1\n',
      1,
      /is above high/,
    ],
    ['an open outside low…high', '1656630000,12,11,9,10,1,1\n', 1, /open 12 is outside low 9 … high 11/],
    ['a close outside low…high', '1656630000,10,11,9,8,1,1\n', 1, /close 8 is outside/],
    ['a negative volume', '1656630000,10,10,10,10,-1.5,1\n', 1, /negative volume -1.5/],
    ['a negative price', '1656630000,-10,10,10,10,1,1\n', 1, /open "-10" is not a non-negative decimal/],
    ['a malformed price', '1656630000,10,1x,10,10,1,1\n', 1, /high "1x" is not a non-negative decimal/],
    ['a header row', 'time,open,high,low,close,volume,trades\n', 1, /time "time" is not a whole number/],
    ['a time not on the hour', '1656630060,10,10,10,10,1,1\n', 1, /not aligned to 1h bars/],
    ['fractional trades', '1656630000,10,10,10,10,1,1.5\n', 1, /trades "1.5" is not a whole number/],
    ['a time beyond any date', '99999999999999999,10,10,10,10,1,1\n', 1, /time 99999999999999999 is out of range/],
    [
      'a trade count beyond any count',
      '1656630000,10,10,10,10,1,99999999999999999999\n',
      1,
      /trades "99999999999999999999" is not a whole number/,
    ],
    ['an empty line in the middle', `${GOOD_1}\n\n${GOOD_2}\n`, 2, /empty line/],
  ])('refuses %s, naming the line', async (_what, text, line, message) => {
    const err = await parseError(text);
    expect(err.code).toBe('DATA_INVALID');
    expect(err.retryable).toBe(false);
    expect(err.details).toMatchObject({ source: 'test.csv', line });
    expect(err.message).toMatch(new RegExp(`^test\\.csv:${line}: `));
    expect(err.message).toMatch(message);
  });

  it('refuses an invalid symbol before reading', async () => {
    const gen = parseOhlcvtCsv(GOOD_1, { ...opts, symbol: 'btcusd' });
    await expect(gen.next()).rejects.toMatchObject({ code: 'DATA_INVALID' });
  });

  it('reads the whole recorded XBTUSD file, streamed', async () => {
    const candles = await readOhlcvtCsvFile(`${projectRoot}data/market/kraken_XBTUSD_60.csv`, {
      symbol: 'BTC/USD',
      timeframe: '1h',
    });
    expect(candles).toHaveLength(65_683);
    expect(candles[0]).toMatchObject({ openTimeMs: Date.UTC(2013, 9, 6, 21), open: '122.0', volume: '0.1', trades: 1 });
    expect(candles.at(-1)).toMatchObject({
      openTimeMs: Date.UTC(2022, 5, 30, 23),
      close: '19949.9',
      volume: '613.27165649',
      trades: 3421,
    });
    expect(candles.every((c) => /^\d+(\.\d+)?$/.test(c.volume))).toBe(true);
  });

  it('reports a missing file as a configuration error', async () => {
    await expect(
      readOhlcvtCsvFile(`${projectRoot}data/market/no-such-file.csv`, { symbol: 'BTC/USD', timeframe: '1h' }),
    ).rejects.toMatchObject({
      code: 'CONFIG_INVALID',
    });
  });
});
