import { and, count, desc, eq, gt, gte, lte } from 'drizzle-orm';
import type { Db } from '../db/open-database.ts';
import { candles } from '../db/schema/candles.ts';
import type { Candle } from '../model/candle.ts';
import type { Timeframe } from '../model/timeframe.ts';
import { candleOfRow, loadRecentCandles } from './candle-store.ts';

/** The bars a process last read of one pair and timeframe, oldest first. */
interface Window {
  bars: readonly Candle[];
  /** How many bars the window keeps: the largest count asked for. */
  capacity: number;
}

/**
 * The last bars of each pair, per database handle, kept between reads in this process: an
 * analysis reads hundreds of bars every bar (TA and regime each), and all but the newest are
 * the ones it read the bar before. A read asks the database only for the bars stored after
 * the newest kept, and counts the stored bars between the oldest and newest kept: stored bars
 * are never changed nor removed (`saveCandles` keeps the first copy), so an equal count means
 * the kept bars are still exactly the stored ones. Any other count (a bar backfilled inside
 * the window by another worker) reads the whole window again. So the answer is always what
 * `loadRecentCandles` gives, at two small queries instead of one returning every bar.
 */
export class RecentCandlesCache {
  readonly #windows = new WeakMap<Db, Map<string, Window>>();

  /** The last `count` stored bars of a symbol and timeframe, oldest first (as `loadRecentCandles`). */
  async recent(db: Db, symbol: string, timeframe: Timeframe, count: number): Promise<Candle[]> {
    let windows = this.#windows.get(db);
    if (!windows) this.#windows.set(db, (windows = new Map()));
    const key = `${symbol} ${timeframe}`;
    const kept = windows.get(key);
    // A window shorter than its capacity held every stored bar: a bar older than its oldest
    // could belong in the answer, which only a full read sees.
    const fresh =
      kept && kept.capacity >= count && kept.bars.length === kept.capacity
        ? await extend(db, symbol, timeframe, kept)
        : null;
    const window = fresh ?? {
      bars: await loadRecentCandles(db, symbol, timeframe, Math.max(count, kept?.capacity ?? 0)),
      capacity: Math.max(count, kept?.capacity ?? 0),
    };
    windows.set(key, window);
    return window.bars.slice(-count);
  }
}

/** The window with the bars stored after its newest, or null when its own bars changed. */
async function extend(db: Db, symbol: string, timeframe: Timeframe, kept: Window): Promise<Window | null> {
  const oldest = new Date(kept.bars[0]!.openTimeMs);
  const newest = new Date(kept.bars.at(-1)!.openTimeMs);
  const ofPair = and(eq(candles.symbol, symbol), eq(candles.timeframe, timeframe));
  const [stored] = await db
    .select({ n: count() })
    .from(candles)
    .where(and(ofPair, gte(candles.openTime, oldest), lte(candles.openTime, newest)));
  if (stored?.n !== kept.bars.length) return null;
  const added = await db
    .select()
    .from(candles)
    .where(and(ofPair, gt(candles.openTime, newest)))
    .orderBy(desc(candles.openTime))
    .limit(kept.capacity);
  return {
    bars: [...kept.bars, ...added.reverse().map(candleOfRow)].slice(-kept.capacity),
    capacity: kept.capacity,
  };
}
