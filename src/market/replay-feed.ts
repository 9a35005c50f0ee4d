import { isAbsolute, resolve } from 'node:path';
import type { Clock } from '../clock/clock.ts';
import { TriplegainError } from '../shared/triplegain-error.ts';
import type { Candle } from '../model/candle.ts';
import { fillGaps } from './fill-gaps.ts';
import { readOhlcvtCsvFile } from './parse-ohlcvt-csv.ts';
import { timeframeMs } from './timeframes.ts';
import { type Timeframe } from '../model/timeframe.ts';

export interface ReplayFeedOptions {
  /** Recorded bars per pair: Kraken OHLCVT CSV path (`marketData.replay.files`). */
  files: Readonly<Record<string, string>>;
  /** Bar length of the files (`kraken_*_60.csv`: `1h`). */
  timeframe: Timeframe;
  /** Market time; a bar is visible once it has closed by this clock. */
  clock: Clock;
  /** Directory relative paths resolve against. Default the working directory. */
  rootDir?: string;
  /**
   * The bars of a pair without a file, from the candle store (`triplegain data import`),
   * oldest first; none: only files are played.
   */
  stored?: (symbol: string) => Promise<readonly Candle[]>;
}

/**
 * Plays recorded Kraken bars as if they were arriving live: every query answers with bars
 * that have closed by `clock.now()` (open time + bar length ≤ now), never a later one, with
 * quiet hours filled as Kraken's REST API fills them.
 *
 * Each file is read once, on first use (or `load()`), and kept gap-filled in memory; queries
 * are a binary search and a slice.
 */
export class ReplayFeed {
  private readonly barMs: number;
  private readonly series = new Map<string, Promise<readonly Candle[]>>();

  constructor(private readonly opts: ReplayFeedOptions) {
    this.barMs = timeframeMs(opts.timeframe);
  }

  /** Pairs with a recording. */
  get symbols(): string[] {
    return Object.keys(this.opts.files);
  }

  /** Reads the files now (all pairs, or the one given) instead of on first use. */
  async load(symbol?: string): Promise<void> {
    await Promise.all((symbol === undefined ? this.symbols : [symbol]).map((s) => this.candlesOf(s)));
  }

  /**
   * Closed bars of `symbol` opening at or after `sinceMs` (default: the start of the
   * recording), oldest first.
   *
   * @throws TriplegainError `CONFIG_INVALID` for a pair without a recording or a missing file;
   *   `DATA_INVALID` for a malformed file.
   */
  async closedCandles(symbol: string, sinceMs = -Infinity): Promise<Candle[]> {
    const candles = await this.candlesOf(symbol);
    const end = this.closedEnd(candles);
    const start = firstIndexAtOrAfter(candles, sinceMs);
    return candles.slice(start, Math.max(start, end));
  }

  /** The last `count` closed bars of `symbol`, oldest first (fewer near the start of the recording). */
  async latestClosed(symbol: string, count: number): Promise<Candle[]> {
    if (!Number.isInteger(count) || count < 0) throw new RangeError(`count must be a whole number ≥ 0, got ${count}`);
    const candles = await this.candlesOf(symbol);
    const end = this.closedEnd(candles);
    return candles.slice(Math.max(0, end - count), end);
  }

  /** Open times of the first and last recorded bar of `symbol` (to choose a start for the clock). */
  async range(symbol: string): Promise<{ firstOpenTimeMs: number; lastOpenTimeMs: number }> {
    const candles = await this.candlesOf(symbol);
    const first = candles[0];
    const last = candles.at(-1);
    if (!first || !last)
      throw new TriplegainError('DATA_INVALID', `the recording of ${symbol} has no bars`, { symbol });
    return { firstOpenTimeMs: first.openTimeMs, lastOpenTimeMs: last.openTimeMs };
  }

  /** Index after the last bar that has closed by the clock. */
  private closedEnd(candles: readonly Candle[]): number {
    return firstIndexAtOrAfter(candles, this.opts.clock.now() - this.barMs + 1);
  }

  private candlesOf(symbol: string): Promise<readonly Candle[]> {
    let loaded = this.series.get(symbol);
    if (!loaded) {
      loaded = this.read(symbol);
      // A failed read is not cached, so that a fixed file is picked up by the next query.
      loaded.catch(() => this.series.delete(symbol));
      this.series.set(symbol, loaded);
    }
    return loaded;
  }

  private async read(symbol: string): Promise<readonly Candle[]> {
    const file = this.opts.files[symbol];
    const stored = file === undefined && this.opts.stored ? await this.opts.stored(symbol) : [];
    if (file === undefined && stored.length === 0) {
      throw new TriplegainError(
        'CONFIG_INVALID',
        `no replay file for ${symbol} (marketData.replay.files has ${this.symbols.join(', ') || 'none'})${this.opts.stored ? ` and no ${this.opts.timeframe} bars of it in the candle store: import some with \`triplegain data import FILE --pair ${symbol} --timeframe ${this.opts.timeframe}\`` : ''}`,
        { symbol },
      );
    }
    const recorded =
      file === undefined
        ? stored
        : await readOhlcvtCsvFile(isAbsolute(file) ? file : resolve(this.opts.rootDir ?? process.cwd(), file), {
            symbol,
            timeframe: this.opts.timeframe,
          });
    // Frozen: callers share these objects and must not be able to rewrite history.
    return Object.freeze(fillGaps(recorded).map((c) => Object.freeze(c)));
  }
}

/** Index of the first bar opening at or after `openTimeMs` (binary search; bars ascending). */
function firstIndexAtOrAfter(candles: readonly Candle[], openTimeMs: number): number {
  let low = 0;
  let high = candles.length;
  while (low < high) {
    const mid = (low + high) >>> 1;
    if (candles[mid]!.openTimeMs < openTimeMs) low = mid + 1;
    else high = mid;
  }
  return low;
}
