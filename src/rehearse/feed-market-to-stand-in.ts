import type { Candle } from '../model/candle.ts';
import type { ReplayFeed } from '../market/replay-feed.ts';
import type { Logger } from '../shared/logger.ts';
import { describeError } from '../shared/triplegain-error.ts';

/** What the feed hands closed bars to: the Kraken stand-in, which fills orders from them. */
export interface BarSink {
  applyBar(symbol: string, bar: Pick<Candle, 'openTimeMs' | 'open' | 'high' | 'low' | 'close' | 'volume'>): void;
}

export interface MarketFeedToStandIn {
  /** Hands over every bar closed by now at once (the feed does this every `everyMs` by itself). */
  tick(): Promise<void>;
  /** Bars handed over so far, all pairs. */
  readonly barsFed: number;
  stop(): Promise<void>;
}

/**
 * Plays the replay the cluster trades on into the Kraken stand-in: every `everyMs` of wall time,
 * each pair's bars that have closed by the replay's market clock since the last one handed over,
 * oldest first, so that the stand-in fills at the prices the cluster sees. One tick at a time.
 */
export function feedMarketToStandIn(deps: {
  feed: ReplayFeed;
  symbols: readonly string[];
  sink: BarSink;
  everyMs: number;
  logger: Logger;
}): MarketFeedToStandIn {
  const lastFed = new Map<string, number>();
  let barsFed = 0;
  let running: Promise<void> = Promise.resolve();
  const feedOnce = async () => {
    for (const symbol of deps.symbols) {
      const since = (lastFed.get(symbol) ?? -Infinity) + 1;
      const bars = lastFed.has(symbol)
        ? await deps.feed.closedCandles(symbol, since)
        : await deps.feed.latestClosed(symbol, 1);
      for (const bar of bars) {
        deps.sink.applyBar(symbol, bar);
        lastFed.set(symbol, bar.openTimeMs);
        barsFed += 1;
      }
    }
  };
  const tick = () =>
    (running = running
      .then(feedOnce)
      .catch((err: unknown) =>
        deps.logger.error({ err: describeError(err) }, 'bars not handed to the Kraken stand-in'),
      ));
  const timer = setInterval(() => void tick(), deps.everyMs);
  timer.unref();
  return {
    tick,
    get barsFed() {
      return barsFed;
    },
    async stop() {
      clearInterval(timer);
      await running;
    },
  };
}
