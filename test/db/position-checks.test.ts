import { describe, expect } from 'vitest';
import { it } from '../support/fixtures.ts';
import { positions } from '../../src/db/schema/positions.ts';
import { aPositionRow } from '../support/builders.ts';
import type { TestDatabase } from '../support/test-database.ts';

describe('the positions table refuses a position that cannot exist', () => {
  let database: TestDatabase;
  it.beforeAll(async ({ fileDatabase }) => {
    database = fileDatabase;
  });

  const at = new Date(Date.UTC(2024, 0, 1));
  const row = (overrides: Partial<typeof positions.$inferInsert>) => aPositionRow(at, overrides);

  it.each([
    ['a zero size', { quantity: '0' }],
    ['a negative size', { quantity: '-0.1' }],
    ['a leverage below 1', { leverage: '0.5' }],
    ['a zero leverage', { leverage: '0' }],
    ['a zero entry price', { avgEntryPrice: '0' }],
    ['an unknown side', { side: 'flat' }],
    ['an unknown status', { status: 'pending' }],
  ])('%s', async (_, overrides) => {
    await expect(database.db.insert(positions).values(row(overrides))).rejects.toSatisfy((err: unknown) =>
      /positions_valid/.test(String((err as { cause?: unknown }).cause ?? err)),
    );
  });

  it('takes a valid one', async () => {
    await database.db.insert(positions).values(row({ symbol: 'XRP/USD', leverage: '3', side: 'short' }));
    expect(await database.db.select({ symbol: positions.symbol }).from(positions)).toEqual([{ symbol: 'XRP/USD' }]);
  });
});
