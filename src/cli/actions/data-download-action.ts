import { setTimeout as sleep } from 'node:timers/promises';
import { loadConfig } from '../../config/load-config.ts';
import { KrakenPublicClient } from '../../kraken/kraken-public-client.ts';
import { saveCandles } from '../../market/candle-store.ts';
import { timeframeMs } from '../../market/timeframes.ts';
import type { Candle } from '../../model/candle.ts';
import { Timeframe } from '../../model/timeframe.ts';
import { TradingPair } from '../../model/trading-pair.ts';
import { TriplegainError } from '../../shared/triplegain-error.ts';
import { openConfiguredDatabase } from '../../runtime/open-configured-database.ts';
import { formatMinute } from '../../shared/format-minute.ts';

/** Kraken's OHLC endpoint answers with at most this many bars, the most recent ones, whatever `since` asks. */
const KRAKEN_OHLC_WINDOW = 720;
/** Wall time between two public calls of one download: Kraken's public API asks for about one a second. */
const CALL_SPACING_MS = 1_000;

export interface DataDownloadActionOptions {
  configFile: string | undefined;
  pair: string;
  timeframe: string;
  /** First bar wanted (UTC date); absent: as far back as Kraken serves. */
  since?: string;
}

/**
 * The work of `triplegain data download`: closed bars of a pair from Kraken's public OHLC
 * endpoint (through ccxt, `marketData.kraken`), page after page from `since`, stored in the
 * configured database in one transaction. Kraken serves only its last 720 bars of a timeframe:
 * when `since` is older, the line printed says where the bars begin and how to get older ones.
 */
export async function dataDownloadAction(options: DataDownloadActionOptions): Promise<void> {
  const timeframe = Timeframe.safeParse(options.timeframe);
  if (!timeframe.success)
    throw new TriplegainError(
      'CONFIG_INVALID',
      `--timeframe ${JSON.stringify(options.timeframe)}: expected one of ${Timeframe.options.join(', ')}`,
    );
  if (!TradingPair.safeParse(options.pair).success)
    throw new TriplegainError(
      'CONFIG_INVALID',
      `--pair ${JSON.stringify(options.pair)}: expected a pair such as ETH/USD`,
    );
  const sinceMs = options.since === undefined ? undefined : Date.parse(options.since);
  if (sinceMs !== undefined && (Number.isNaN(sinceMs) || !/^\d{4}-\d{2}-\d{2}/.test(options.since!)))
    throw new TriplegainError(
      'CONFIG_INVALID',
      `--since ${JSON.stringify(options.since)}: expected a date such as 2024-01-01`,
    );
  const { config } = loadConfig({ file: options.configFile });
  let lastCallAt = 0;
  const client = new KrakenPublicClient({
    config: config.marketData.kraken,
    limiter: {
      acquire: async () => {
        const waitMs = lastCallAt + CALL_SPACING_MS - Date.now();
        if (waitMs > 0) await sleep(waitMs);
        lastCallAt = Date.now();
        return { admitted: true, waitMs: 0, counter: 0 };
      },
    },
  });
  const barMs = timeframeMs(timeframe.data);
  const bars: Candle[] = [];
  let from = sinceMs;
  for (;;) {
    const page = (await client.fetchCandles(options.pair, timeframe.data, from)).filter(
      (c) => from === undefined || c.openTimeMs >= from,
    );
    if (page.length === 0) break;
    bars.push(...page);
    const next = page.at(-1)!.openTimeMs + barMs;
    if (page.length < KRAKEN_OHLC_WINDOW - 1 || (from !== undefined && next <= from)) break;
    from = next;
  }
  if (bars.length === 0)
    throw new TriplegainError(
      'NOT_FOUND',
      `Kraken has no closed ${timeframe.data} bars of ${options.pair}${options.since ? ` since ${options.since}` : ''}`,
    );
  const database = await openConfiguredDatabase(config);
  try {
    const stored = await saveCandles(database.db, bars, 'kraken');
    const first = bars[0]!.openTimeMs;
    const short =
      sinceMs !== undefined && first > sinceMs
        ? `; Kraken's OHLC serves only its last ${KRAKEN_OHLC_WINDOW} bars, so they begin at ${formatMinute(first)}, not ${formatMinute(sinceMs)}: for older history, import Kraken's downloadable OHLCVT files (\`data import\`)`
        : '';
    console.log(
      `${options.pair} ${timeframe.data}: ${bars.length} bar${bars.length === 1 ? '' : 's'} from ${formatMinute(first)} to ${formatMinute(bars.at(-1)!.openTimeMs)}, ${stored} new${short}`,
    );
  } finally {
    await database.close();
  }
}
