import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { saveCandles } from '../../src/market/candle-store.ts';
import { latestCloses } from '../../src/market/latest-closes.ts';
import type { Candle } from '../../src/model/candle.ts';
import { latestPrices, marksOf } from '../../src/portfolio/latest-prices.ts';
import { TriplegainError } from '../../src/shared/triplegain-error.ts';
import { aCandle } from '../support/builders.ts';
import { createTestDatabase, type TestDatabase, type TestDriver } from '../support/test-database.ts';

const HOUR = 3_600_000;
const T0 = Date.UTC(2024, 0, 1);

/** A flat bar of `symbol` closing at `close`, `hour` hours after T0. */
function bar(symbol: string, hour: number, close: string, timeframe: Candle['timeframe'] = '1h'): Candle {
  const prices = { open: close, high: close, low: close, close };
  return { ...aCandle({ timeframe, openTimeMs: T0 + hour * HOUR, ...prices }), symbol };
}

describe.each<TestDriver>(['postgres', 'pglite'])('latest closes on %s', (driver) => {
  let t: TestDatabase;
  beforeAll(async () => {
    t = await createTestDatabase(driver);
    // Stored out of order, a later bar of another timeframe, and trailing zeros as Kraken writes them.
    await saveCandles(t.db, [bar('BTC/USD', 2, '42000.50000'), bar('BTC/USD', 1, '41000.1')], 'replay');
    await saveCandles(t.db, [bar('BTC/USD', 9, '99999', '5m'), bar('ETH/USD', 0, '2300.00')], 'replay');
  });
  afterAll(async () => {
    await t.cleanup();
  });

  it('reads the newest bar of each symbol at the timeframe in one call, in canonical form; a symbol without bars is absent', async () => {
    const closes = await latestCloses(t.db, ['BTC/USD', 'ETH/USD', 'XRP/USD', 'BTC/USD'], '1h');
    expect([...closes].sort()).toEqual([
      ['BTC/USD', '42000.5'],
      ['ETH/USD', '2300'],
    ]);
    expect((await latestCloses(t.db, ['BTC/USD'], '5m')).get('BTC/USD')).toBe('99999');
    expect((await latestCloses(t.db, [], '1h')).size).toBe(0);
  });

  it('names the first symbol without a close when every one must be priced, unless told to skip it', async () => {
    const missing = await marksOf(t.db, ['BTC/USD', 'XRP/USD', 'SOL/USD'], '1h').catch((err: unknown) => err);
    expect(missing).toBeInstanceOf(TriplegainError);
    expect((missing as TriplegainError).message).toBe('no price for XRP/USD: cannot value it');
    await expect(latestPrices(t.db, { cashAsset: 'USD', timeframe: '1h', assets: ['BTC', 'XRP'] })).rejects.toThrow(
      'no price for XRP/USD',
    );
    expect(
      await latestPrices(t.db, {
        cashAsset: 'USD',
        timeframe: '1h',
        assets: ['USD', 'BTC', 'XRP', 'ETH'],
        skipMissing: true,
      }),
    ).toEqual({ BTC: '42000.5', ETH: '2300' });
  });
});
