import { instrumentFromAssetPair } from '../market/instrument-book.ts';
import type { Instrument } from '../market/instrument.ts';

/** A pair as Kraken lists it in `AssetPairs`. */
export interface ListedPair {
  /** Kraken's key, e.g. `XXBTZUSD`. */
  key: string;
  /**
   * `online`, `cancel_only`, `post_only`, `limit_only` or `reduce_only`
   * (https://docs.kraken.com/api-reference/market-data/get-tradable-asset-pairs); `unknown`
   * when the entry has none.
   */
  status: string;
  /** Kraken's current rules for the pair. */
  instrument: Instrument;
}

/**
 * Kraken's `AssetPairs` result by our symbol (`BTC/USD`). Entries that do not read as an
 * instrument (another asset class, a shape this system does not know) are left out: they are
 * not pairs it could trade. The first entry of a symbol wins, as in `InstrumentBook`.
 */
export function listedPairs(assetPairs: Record<string, unknown>): Map<string, ListedPair> {
  const listed = new Map<string, ListedPair>();
  for (const [key, entry] of Object.entries(assetPairs)) {
    const instrument = instrumentFromAssetPair(key, entry);
    if (instrument === null) continue;
    const status = (entry as { status?: unknown }).status;
    if (!listed.has(instrument.symbol))
      listed.set(instrument.symbol, { key, status: typeof status === 'string' ? status : 'unknown', instrument });
  }
  return listed;
}
