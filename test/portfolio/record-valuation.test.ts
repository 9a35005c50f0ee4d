import { asc, eq } from 'drizzle-orm';
import { describe, expect } from 'vitest';
import { it } from '../support/fixtures.ts';
import { loadConfig } from '../../src/config/load-config.ts';
import { portfolioSnapshots } from '../../src/db/schema/portfolio-snapshots.ts';
import type { Balances } from '../../src/exchange/exchange-port.ts';
import { saveCandles } from '../../src/market/candle-store.ts';
import { recordValuation, snapshotSlotOf } from '../../src/portfolio/record-valuation.ts';
import { TriplegainError } from '../../src/shared/triplegain-error.ts';
import type { TestDatabase } from '../support/test-database.ts';

const HOUR_MS = 3_600_000;
const START_MS = Date.UTC(2024, 2, 1);

describe('recordValuation: one snapshot per account and slot', () => {
  let database: TestDatabase;
  let balances: Balances;
  const { config } = loadConfig({ env: {} });
  // The exchange, as far as valuing needs it: its name and its balances.
  const exchange = { name: 'paper' as const, balances: async () => balances };

  it.beforeEach(async ({ database: fromFixture }) => {
    database = fromFixture;
    balances = { USD: '1000', BTC: '0.1' };
    await saveBtcClose(START_MS, '50000');
  });

  async function saveBtcClose(openTimeMs: number, close: string): Promise<void> {
    await saveCandles(
      database.db,
      [
        {
          symbol: 'BTC/USD',
          timeframe: '1h',
          openTimeMs,
          open: close,
          high: close,
          low: close,
          close,
          volume: '10',
          trades: 1,
          gapFilled: false,
        },
      ],
      'replay',
    );
  }
  const rows = () =>
    database.db
      .select({
        at: portfolioSnapshots.at,
        equityUsd: portfolioSnapshots.equityUsd,
        cashUsd: portfolioSnapshots.cashUsd,
      })
      .from(portfolioSnapshots)
      .where(eq(portfolioSnapshots.account, 'paper'))
      .orderBy(asc(portfolioSnapshots.at));

  it('keeps the latest valuation of a slot and starts a new row in the next one', async () => {
    const deps = { config, db: database.db, exchange };
    const first = await recordValuation(deps, START_MS + 60_000);
    expect(first.valuation.equityUsd).toBe('6000');
    expect(first.balances).toEqual(balances);

    // Later in the same hour, the price and the cash have moved: the slot's row is replaced.
    await saveBtcClose(START_MS + HOUR_MS / 2, '52000');
    balances = { USD: '900', BTC: '0.1' };
    await recordValuation(deps, START_MS + HOUR_MS - 1);
    expect(await rows()).toEqual([{ at: new Date(START_MS), equityUsd: '6100', cashUsd: '900' }]);

    await recordValuation(deps, START_MS + HOUR_MS);
    expect((await rows()).map((r) => r.at.getTime())).toEqual([START_MS, START_MS + HOUR_MS]);
  });

  it('follows portfolio.snapshotIntervalMs', async () => {
    const daily = { ...config, portfolio: { ...config.portfolio, snapshotIntervalMs: 86_400_000 } };
    for (let hour = 0; hour < 5; hour++)
      await recordValuation({ config: daily, db: database.db, exchange }, START_MS + hour * HOUR_MS);
    expect((await rows()).map((r) => r.at.getTime())).toEqual([START_MS]);
    expect(snapshotSlotOf(START_MS + 25 * HOUR_MS, 86_400_000)).toBe(START_MS + 86_400_000);
  });

  it('refuses to value a held asset it has no price for, and stores nothing', async () => {
    balances = { USD: '1000', DOGE: '5' };
    await expect(recordValuation({ config, db: database.db, exchange }, START_MS)).rejects.toSatisfy(
      (err) => err instanceof TriplegainError && err.code === 'NOT_FOUND' && /DOGE/.test(err.message),
    );
    expect(await rows()).toEqual([]);
  });
});
