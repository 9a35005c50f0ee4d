import type { AppConfig } from '../config/app-config.ts';
import { loadStoredCandles } from '../market/candle-store.ts';
import type { Candle } from '../model/candle.ts';
import { openConfiguredDatabase } from '../runtime/open-configured-database.ts';

/**
 * The stored bars (`triplegain data import`) of each pair that has no replay file, read from
 * the configured database (`database.url`, else PGlite in `database.pgliteDir`) once, before
 * the replay starts on its own in-memory database. Opens nothing when every pair has a file.
 */
export async function storedCandlesOf(config: AppConfig): Promise<Map<string, readonly Candle[]>> {
  const missing = config.symbols.pairs.filter((pair) => config.marketData.replay.files[pair] === undefined);
  const bars = new Map<string, readonly Candle[]>();
  if (missing.length === 0) return bars;
  const database = await openConfiguredDatabase(config, { applicationName: 'triplegain-demo', migrate: false });
  try {
    for (const pair of missing) bars.set(pair, await loadStoredCandles(database.db, pair, config.marketData.timeframe));
  } finally {
    await database.close();
  }
  return bars;
}
