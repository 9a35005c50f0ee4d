import fc from 'fast-check';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { loadRecentCandles, saveCandles } from '../../src/market/candle-store.ts';
import { RecentCandlesCache } from '../../src/market/recent-candles-cache.ts';
import type { Candle } from '../../src/model/candle.ts';
import { createTestDatabase, type TestDatabase, type TestDriver } from '../support/test-database.ts';
import { scaled } from '../support/test-timing.ts';

const T0 = Date.UTC(2025, 10, 11, 0, 0);
const MINUTE = 60_000;

function bar(symbol: string, minute: number): Candle {
  const price = String(100 + minute);
  return {
    symbol,
    timeframe: '1m',
    openTimeMs: T0 + minute * MINUTE,
    open: price,
    high: price,
    low: price,
    close: price,
    volume: '1',
    trades: 1,
    gapFilled: false,
  };
}

const minutes = (bars: readonly Candle[]) => bars.map((c) => (c.openTimeMs - T0) / MINUTE);

/** A step of the property: another worker stores bars, or this process reads the last `count`. */
type Step = { save: number[] } | { read: number };

describe.each<TestDriver>(['postgres', 'pglite'])('the recent candles cache on %s', (driver) => {
  let t: TestDatabase;
  beforeAll(async () => {
    t = await createTestDatabase(driver);
  }, scaled(60_000));
  afterAll(() => t.cleanup());

  it('reads on from the newest bar it keeps: the bars of the next bar, many at once, a larger count', async () => {
    const cache = new RecentCandlesCache();
    await saveCandles(
      t.db,
      [0, 1, 2, 3, 4].map((m) => bar('AAA/USD', m)),
      'replay',
    );
    expect(minutes(await cache.recent(t.db, 'AAA/USD', '1m', 3))).toEqual([2, 3, 4]);
    await saveCandles(t.db, [bar('AAA/USD', 5)], 'replay');
    expect(minutes(await cache.recent(t.db, 'AAA/USD', '1m', 3))).toEqual([3, 4, 5]);
    // More new bars than the window keeps: the newest of them.
    await saveCandles(
      t.db,
      [6, 7, 8, 9].map((m) => bar('AAA/USD', m)),
      'replay',
    );
    expect(minutes(await cache.recent(t.db, 'AAA/USD', '1m', 3))).toEqual([7, 8, 9]);
    expect(minutes(await cache.recent(t.db, 'AAA/USD', '1m', 2))).toEqual([8, 9]);
    expect(minutes(await cache.recent(t.db, 'AAA/USD', '1m', 5))).toEqual([5, 6, 7, 8, 9]);
  });

  it('sees a bar another worker backfilled inside the bars it keeps', async () => {
    const cache = new RecentCandlesCache();
    await saveCandles(
      t.db,
      [0, 1, 3, 4].map((m) => bar('BBB/USD', m)),
      'replay',
    );
    expect(minutes(await cache.recent(t.db, 'BBB/USD', '1m', 3))).toEqual([1, 3, 4]);
    await saveCandles(t.db, [bar('BBB/USD', 2)], 'replay');
    expect(minutes(await cache.recent(t.db, 'BBB/USD', '1m', 3))).toEqual([2, 3, 4]);
  });

  it('sees an older bar stored after it read every bar there was', async () => {
    const cache = new RecentCandlesCache();
    await saveCandles(
      t.db,
      [5, 6].map((m) => bar('CCC/USD', m)),
      'replay',
    );
    expect(minutes(await cache.recent(t.db, 'CCC/USD', '1m', 3))).toEqual([5, 6]);
    await saveCandles(t.db, [bar('CCC/USD', 1)], 'replay');
    expect(minutes(await cache.recent(t.db, 'CCC/USD', '1m', 3))).toEqual([1, 5, 6]);
  });

  it(
    'answers every read as the store itself does, whatever was stored before it, in between and where',
    async () => {
      let run = 0;
      const step: fc.Arbitrary<Step> = fc.oneof(
        fc.record({ save: fc.array(fc.integer({ min: 0, max: 40 }), { minLength: 1, maxLength: 6 }) }),
        fc.record({ read: fc.integer({ min: 1, max: 8 }) }),
      );
      await fc.assert(
        fc.asyncProperty(fc.array(step, { minLength: 1, maxLength: 12 }), async (steps) => {
          const symbol = `P${run++}/USD`;
          const cache = new RecentCandlesCache();
          for (const s of steps) {
            if ('save' in s)
              await saveCandles(
                t.db,
                [...new Set(s.save)].map((m) => bar(symbol, m)),
                'replay',
              );
            else
              expect(await cache.recent(t.db, symbol, '1m', s.read)).toEqual(
                await loadRecentCandles(t.db, symbol, '1m', s.read),
              );
          }
        }),
        { numRuns: 40 },
      );
    },
    scaled(60_000),
  );
});
