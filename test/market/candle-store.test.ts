import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { ZodError } from 'zod';
import type { Candle } from '../../src/model/candle.ts';
import { loadRecentCandles, saveCandles } from '../../src/market/candle-store.ts';
import { fillGaps } from '../../src/market/fill-gaps.ts';
import { readOhlcvtCsvFile } from '../../src/market/parse-ohlcvt-csv.ts';
import { projectRoot } from '../support/spawn-ts.ts';
import { createTestDatabase, type TestDatabase, type TestDriver } from '../support/test-database.ts';
import { scaled } from '../support/test-timing.ts';

const T0 = Date.UTC(2025, 10, 11, 0, 0);
const MINUTE = 60_000;

function bar(minute: number, overrides: Partial<Candle> = {}): Candle {
  return {
    symbol: 'BTC/USDT',
    timeframe: '1m',
    openTimeMs: T0 + minute * MINUTE,
    open: '105944.20000',
    high: '105950.1',
    low: '105899.4',
    close: '105899.4',
    volume: '0.00009443',
    trades: 2,
    gapFilled: false,
    ...overrides,
  };
}

describe.each<TestDriver>(['postgres', 'pglite'])('candle store on %s', (driver) => {
  let t: TestDatabase;
  let xrp: Candle[];
  beforeAll(async () => {
    t = await createTestDatabase(driver);
    const recorded = await readOhlcvtCsvFile(`${projectRoot}data/market/kraken_XRPUSD_60.csv`, {
      symbol: 'XRP/USD',
      timeframe: '1h',
    });
    // The last 6 000 bars (the 49-hour pause of May 2022 included) × 11 columns: more
    // parameters than one PostgreSQL statement takes (65 535).
    xrp = fillGaps(recorded.filter((c) => c.openTimeMs >= Date.UTC(2021, 7, 1))).slice(-6_000);
  }, scaled(60_000));
  afterAll(() => t.cleanup());

  it('stores bars and reads the most recent back in ascending order, values canonical', async () => {
    const bars = [
      bar(0),
      bar(1, { open: '105899.4', volume: '0.00000000', trades: 0, gapFilled: true, high: '105899.4' }),
      bar(2),
    ];
    expect(await saveCandles(t.db, bars, 'kraken')).toBe(3);

    const loaded = await loadRecentCandles(t.db, 'BTC/USDT', '1m', 2);
    expect(loaded).toEqual([
      { ...bars[1], volume: '0' },
      { ...bars[2], open: '105944.2' },
    ]);
    expect(await loadRecentCandles(t.db, 'BTC/USDT', '1m', 10)).toHaveLength(3);
  });

  it('ignores bars already stored and duplicates within a batch, counting only new ones', async () => {
    expect(await saveCandles(t.db, [bar(1, { close: '1', low: '1' }), bar(2), bar(3), bar(3)], 'kraken')).toBe(1);
    const loaded = await loadRecentCandles(t.db, 'BTC/USDT', '1m', 4);
    expect(loaded.map((c) => c.openTimeMs)).toEqual([0, 1, 2, 3].map((m) => T0 + m * MINUTE));
    // The first copy of a bar wins.
    expect(loaded[1]!.close).toBe('105899.4');
  });

  it('keeps symbols and timeframes apart', async () => {
    await saveCandles(
      t.db,
      [
        bar(10, { symbol: 'XRP/USDT', open: '0.5', high: '0.5', low: '0.5', close: '0.5' }),
        bar(0, { timeframe: '5m' }),
      ],
      'kraken',
    );
    expect(
      (await loadRecentCandles(t.db, 'BTC/USDT', '1m', 100)).every(
        (c) => c.symbol === 'BTC/USDT' && c.timeframe === '1m',
      ),
    ).toBe(true);
    expect(await loadRecentCandles(t.db, 'XRP/USDT', '1m', 100)).toHaveLength(1);
    expect(await loadRecentCandles(t.db, 'BTC/USDT', '5m', 100)).toHaveLength(1);
    expect(await loadRecentCandles(t.db, 'ETH/USD', '1m', 100)).toEqual([]);
    expect(await loadRecentCandles(t.db, 'BTC/USDT', '1m', 0)).toEqual([]);
  });

  it(
    'stores a recording larger than one statement can carry, round trip exact',
    async () => {
      expect(xrp.length * 11).toBeGreaterThan(65_535);
      expect(await saveCandles(t.db, xrp, 'replay')).toBe(xrp.length);
      const loaded = await loadRecentCandles(t.db, 'XRP/USD', '1h', xrp.length);
      const canonical = (s: string) => (s.includes('.') ? s.replace(/0+$/, '').replace(/\.$/, '') : s);
      expect(loaded).toEqual(
        xrp.map((c) => ({
          ...c,
          open: canonical(c.open),
          high: canonical(c.high),
          low: canonical(c.low),
          close: canonical(c.close),
          volume: canonical(c.volume),
        })),
      );
      expect(loaded.filter((c) => c.gapFilled).length).toBeGreaterThan(0);
      expect(await saveCandles(t.db, xrp, 'replay')).toBe(0);
    },
    scaled(60_000),
  );

  it('refuses an invalid bar and stores nothing of its batch', async () => {
    const bad = bar(50, { low: '200000' });
    await expect(saveCandles(t.db, [bar(40), bad], 'kraken')).rejects.toBeInstanceOf(ZodError);
    await expect(saveCandles(t.db, [bar(41)], 'somewhere' as never)).rejects.toBeInstanceOf(ZodError);
    expect((await loadRecentCandles(t.db, 'BTC/USDT', '1m', 100)).map((c) => c.openTimeMs)).not.toContain(
      T0 + 40 * MINUTE,
    );
    expect(await saveCandles(t.db, [], 'kraken')).toBe(0);
  });

  it('refuses a count that is not a whole number', async () => {
    await expect(loadRecentCandles(t.db, 'BTC/USDT', '1m', -1)).rejects.toThrow(RangeError);
    await expect(loadRecentCandles(t.db, 'BTC/USDT', '1m', 1.5)).rejects.toThrow(RangeError);
  });
});
