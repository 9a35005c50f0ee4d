import { describe, expect } from 'vitest';
import { it } from '../support/fixtures.ts';
import { loadHodlBags, mergeHodlBags, removeHodlBag, saveHodlBag } from '../../src/portfolio/hodl-bag-store.ts';

describe('hodl bags', () => {
  it('takes the larger of the configured and the stored bag per asset', () => {
    expect(
      mergeHodlBags({ BTC: '0.2', XRP: '500' }, [
        { asset: 'BTC', quantity: '0.25' },
        { asset: 'XRP', quantity: '100' },
        { asset: 'USD', quantity: '1000' },
      ]),
    ).toEqual({
      BTC: '0.25',
      XRP: '500',
      USD: '1000',
    });
    expect(mergeHodlBags({}, [])).toEqual({});
  });

  describe('in PostgreSQL', () => {
    it('stores, replaces and removes a bag; a configured bag stays', async ({ database }) => {
      await saveHodlBag(database.db, { asset: 'BTC', quantity: '0.5', note: 'cold storage' }, Date.UTC(2024, 0, 1));
      expect(await loadHodlBags(database.db, { BTC: '0.2' })).toEqual({ BTC: '0.5' });
      await saveHodlBag(database.db, { asset: 'BTC', quantity: '0.1' }, Date.UTC(2024, 0, 2));
      expect(await loadHodlBags(database.db, { BTC: '0.2' })).toEqual({ BTC: '0.2' });
      expect(await removeHodlBag(database.db, 'BTC')).toBe(true);
      expect(await removeHodlBag(database.db, 'BTC')).toBe(false);
      expect(await loadHodlBags(database.db, {})).toEqual({});
    });

    it('refuses a negative or malformed bag', async ({ database }) => {
      await expect(saveHodlBag(database.db, { asset: 'BTC', quantity: '-1' }, 0)).rejects.toThrow();
      await expect(saveHodlBag(database.db, { asset: 'btc', quantity: '1' }, 0)).rejects.toThrow();
    });
  });
});
