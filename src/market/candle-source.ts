import type { Candle } from '../model/candle.ts';
import type { CandleSource as StoredCandleSource } from './candle-store.ts';
import type { KrakenPublicClient } from '../kraken/kraken-public-client.ts';
import type { ReplayFeed } from './replay-feed.ts';
import type { Timeframe } from '../model/timeframe.ts';

/** Where the market-data task gets closed bars: Kraken (live) or a recording (replay). */
export interface CandleSource {
  /** Written to `candles.source`. */
  readonly name: StoredCandleSource;
  /**
   * Closed bars of `symbol`, oldest first: all those opening at or after `sinceMs` (so that
   * nothing is skipped), or, without it, the last `limit`. Never a bar that has not closed by the system's clock.
   */
  closedCandles(symbol: string, query: { sinceMs?: number; limit: number; signal?: AbortSignal }): Promise<Candle[]>;
}

export function replayCandleSource(feed: ReplayFeed): CandleSource {
  return {
    name: 'replay',
    async closedCandles(symbol, { sinceMs, limit }) {
      return sinceMs === undefined ? feed.latestClosed(symbol, limit) : feed.closedCandles(symbol, sinceMs);
    },
  };
}

export function krakenCandleSource(client: KrakenPublicClient, timeframe: Timeframe): CandleSource {
  return {
    name: 'kraken',
    async closedCandles(symbol, { sinceMs, limit }) {
      const bars = await client.fetchCandles(symbol, timeframe, sinceMs);
      return sinceMs === undefined ? bars.slice(-limit) : bars;
    },
  };
}
