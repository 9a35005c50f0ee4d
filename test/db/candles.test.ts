import { and, asc, eq } from 'drizzle-orm';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { candles, type NewCandleRow } from '../../src/db/schema/index.ts';
import { expectPgError } from '../support/pg-error-code.ts';
import { createTestDatabase, type TestDatabase } from '../support/test-database.ts';

const UNIQUE_VIOLATION = '23505';
const CHECK_VIOLATION = '23514';

function aCandle(overrides: Partial<NewCandleRow> = {}): NewCandleRow {
  return {
    symbol: 'BTC/USD',
    timeframe: '1h',
    openTime: new Date('2025-01-01T00:00:00Z'),
    open: '68600.1',
    high: '68750',
    low: '68500.5',
    close: '68700.25',
    volume: '0.12345678',
    trades: 42,
    source: 'kraken',
    ...overrides,
  };
}

describe.each(['postgres', 'pglite'] as const)('candles on %s', (driver) => {
  let t: TestDatabase;
  beforeAll(async () => {
    t = await createTestDatabase(driver);
  });
  afterAll(async () => {
    await t?.cleanup();
  });

  it('returns numeric values as the exact decimal strings that were written', async () => {
    const written = aCandle({
      symbol: 'XRP/USD',
      open: '0.12345678',
      high: '99999999999999999999.999999999999999999',
      low: '0.000000000000000001',
      close: '68600.1',
      volume: '1000',
    });
    await t.db.insert(candles).values(written);
    const [read] = await t.db.select().from(candles).where(eq(candles.symbol, 'XRP/USD'));
    expect(read).toMatchObject({
      open: '0.12345678',
      high: '99999999999999999999.999999999999999999',
      low: '0.000000000000000001',
      close: '68600.1',
      volume: '1000',
      trades: 42,
      gapFilled: false,
      source: 'kraken',
    });
    expect(read!.openTime.toISOString()).toBe('2025-01-01T00:00:00.000Z');
  });

  it('keeps a gap-filled bar apart from a traded one', async () => {
    const openTime = new Date('2025-01-01T01:00:00Z');
    await t.db.insert(candles).values(
      aCandle({
        symbol: 'ETH/USD',
        openTime,
        open: '3300',
        high: '3300',
        low: '3300',
        close: '3300',
        volume: '0',
        trades: 0,
        gapFilled: true,
      }),
    );
    const rows = await t.db
      .select()
      .from(candles)
      .where(and(eq(candles.symbol, 'ETH/USD'), eq(candles.gapFilled, true)));
    expect(rows.map((r) => [r.close, r.volume, r.trades])).toEqual([['3300', '0', 0]]);
  });

  it('refuses a second bar for the same symbol, timeframe and open time', async () => {
    const bar = aCandle({ symbol: 'SOL/USD' });
    await t.db.insert(candles).values(bar);
    await expectPgError(() => t.db.insert(candles).values({ ...bar, close: '1' }), UNIQUE_VIOLATION);
    // Another timeframe or open time is another bar.
    await t.db.insert(candles).values([
      { ...bar, timeframe: '1d' },
      { ...bar, openTime: new Date('2025-01-01T01:00:00Z') },
    ]);
    const rows = await t.db
      .select()
      .from(candles)
      .where(eq(candles.symbol, 'SOL/USD'))
      .orderBy(asc(candles.timeframe), asc(candles.openTime));
    expect(rows.map((r) => [r.timeframe, r.openTime.toISOString(), r.close])).toEqual([
      ['1d', '2025-01-01T00:00:00.000Z', '68700.25'],
      ['1h', '2025-01-01T00:00:00.000Z', '68700.25'],
      ['1h', '2025-01-01T01:00:00.000Z', '68700.25'],
    ]);
  });

  it('upserts a bar on its natural key', async () => {
    const bar = aCandle({ symbol: 'ADA/USD' });
    await t.db.insert(candles).values(bar);
    await t.db
      .insert(candles)
      .values({ ...bar, close: '68800', trades: 50 })
      .onConflictDoUpdate({
        target: [candles.symbol, candles.timeframe, candles.openTime],
        set: { close: '68800', trades: 50 },
      });
    const rows = await t.db.select().from(candles).where(eq(candles.symbol, 'ADA/USD'));
    expect(rows.map((r) => [r.close, r.trades])).toEqual([['68800', 50]]);
  });

  it('refuses a bar whose high is below its low', async () => {
    await expectPgError(
      () => t.db.insert(candles).values(aCandle({ symbol: 'DOT/USD', high: '1', low: '2' })),
      CHECK_VIOLATION,
    );
  });
});
