import type { AppConfig } from '../config/app-config.ts';
import type { ReplayFeed } from '../market/replay-feed.ts';
import { TriplegainError } from '../shared/triplegain-error.ts';

/**
 * Checks that the feed holds every configured pair's bars for a replay of `bars` bars from
 * `startMs`, after `marketData.historyCandles` bars of history.
 *
 * @throws TriplegainError `CONFIG_INVALID` naming the first pair whose recording falls short.
 */
export async function checkReplayCoverage(
  feed: Pick<ReplayFeed, 'range'>,
  config: Pick<AppConfig, 'symbols' | 'marketData'>,
  replay: { startMs: number; bars: number; barMs: number },
): Promise<void> {
  const { startMs, bars, barMs } = replay;
  for (const symbol of config.symbols.pairs) {
    const range = await feed.range(symbol);
    if (
      range.firstOpenTimeMs > startMs - config.marketData.historyCandles * barMs ||
      range.lastOpenTimeMs < startMs + (bars - 1) * barMs
    ) {
      throw new TriplegainError(
        'CONFIG_INVALID',
        `the recording of ${symbol} covers ${new Date(range.firstOpenTimeMs).toISOString()} → ${new Date(range.lastOpenTimeMs).toISOString()}: not enough for ${bars} bars of ${config.marketData.timeframe} from ${new Date(startMs).toISOString()} after ${config.marketData.historyCandles} bars of history`,
      );
    }
  }
}
