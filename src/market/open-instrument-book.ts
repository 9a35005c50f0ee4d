import type { Redis } from 'ioredis';
import { z } from 'zod';
import type { Keys } from '../keys.ts';
import type { Logger } from '../shared/logger.ts';
import { describeError, TriplegainError } from '../shared/triplegain-error.ts';
import { InstrumentBook, instrumentOverridesOf, shippedBookOf, type InstrumentsConfig } from './instrument-book.ts';

/** How old the cached `AssetPairs` answer may be before it is read again from Kraken (wall time). */
export const ASSET_PAIRS_MAX_AGE_MS = 24 * 3_600_000;

/** What the cache holds: Kraken's answer as sent, and when it was fetched (wall ms). */
const CachedAssetPairs = z.object({
  fetchedAtMs: z.number().int().nonnegative(),
  result: z.record(z.string(), z.unknown()),
});
type CachedAssetPairs = z.infer<typeof CachedAssetPairs>;

export interface OpenInstrumentBookDeps {
  config: InstrumentsConfig & { execution: { exchange: 'paper' | 'kraken' } };
  redis: Redis;
  keys: Keys;
  logger: Logger;
  /** Kraken's `AssetPairs` answer, live (`KrakenPublicClient.assetPairs`); only called for `kraken`. */
  loadAssetPairs: () => Promise<Record<string, unknown>>;
  /** Wall time, ms. Default `Date.now`. */
  wallNowMs?: () => number;
}

export interface OpenedInstrumentBook {
  /** The one book of the worker: everything that rounds, checks or refuses an order takes it. */
  book: InstrumentBook;
  /**
   * What the daily timer runs: takes the cache when a replica refreshed it within the day, else
   * reads Kraken again and caches it, and puts the rules into `book` in place. A failure is
   * logged and the rules in hand stay. Nothing on paper.
   */
  refresh(): Promise<void>;
  /** Stops the daily refresh. */
  stop(): void;
}

/**
 * The instrument book a worker trades by.
 *
 * - `paper`: the shipped `data/kraken/asset-pairs.json` plus `execution.instruments`; no network.
 * - `kraken`: Kraken's live `AssetPairs` (pair precision, tick, lot, `ordermin`, `costmin`,
 *   leverage) plus `execution.instruments`. The answer is cached in Redis
 *   (`keys.krakenAssetPairs`, shared by every replica) and read again from Kraken once it is a
 *   day old (wall time), at start and then daily, in place (`InstrumentBook.replaceWith`). A
 *   failed refresh keeps the rules in hand (logged); a start with neither a live answer nor a
 *   cached one fails: a worker that does not know the pairs' rules does not trade.
 *
 * @throws TriplegainError `EXCHANGE_UNAVAILABLE` when, on Kraken, the rules can be loaded
 *   neither live nor from the cache.
 */
export async function openInstrumentBook(deps: OpenInstrumentBookDeps): Promise<OpenedInstrumentBook> {
  if (deps.config.execution.exchange === 'paper')
    return { book: shippedBookOf(deps.config), refresh: async () => {}, stop: () => {} };
  const overrides = instrumentOverridesOf(deps.config);

  const wallNowMs = deps.wallNowMs ?? Date.now;
  const cached = await readCache(deps);
  let current: CachedAssetPairs;
  if (cached && wallNowMs() - cached.fetchedAtMs < ASSET_PAIRS_MAX_AGE_MS) {
    current = cached;
  } else {
    try {
      current = await fetchAndCache(deps, wallNowMs());
    } catch (err) {
      if (!cached) {
        throw new TriplegainError(
          'EXCHANGE_UNAVAILABLE',
          `kraken instrument rules (AssetPairs) could not be loaded, live or cached: this worker does not trade (${describeError(err)})`,
          { call: 'AssetPairs' },
          { cause: err },
        );
      }
      deps.logger.warn(
        { fetchedAtMs: cached.fetchedAtMs, err: describeError(err) },
        'kraken AssetPairs not refreshed: trading by the cached rules',
      );
      current = cached;
    }
  }
  const book = InstrumentBook.fromAssetPairs(current.result, overrides);

  const refresh = async () => {
    try {
      const fresher = (await readCache(deps)) ?? current;
      current =
        wallNowMs() - fresher.fetchedAtMs < ASSET_PAIRS_MAX_AGE_MS ? fresher : await fetchAndCache(deps, wallNowMs());
      book.replaceWith(InstrumentBook.fromAssetPairs(current.result, overrides));
    } catch (err) {
      deps.logger.warn(
        { fetchedAtMs: current.fetchedAtMs, err: describeError(err) },
        'kraken AssetPairs not refreshed: trading by the rules in hand',
      );
    }
  };
  const untilStale = Math.max(1_000, current.fetchedAtMs + ASSET_PAIRS_MAX_AGE_MS - wallNowMs());
  let timer = setTimeout(function again() {
    void refresh().finally(() => {
      timer = setTimeout(again, ASSET_PAIRS_MAX_AGE_MS);
      timer.unref();
    });
  }, untilStale);
  timer.unref();
  return { book, refresh, stop: () => clearTimeout(timer) };
}

async function readCache(deps: OpenInstrumentBookDeps): Promise<CachedAssetPairs | null> {
  const raw = await deps.redis.get(deps.keys.krakenAssetPairs);
  if (raw === null) return null;
  try {
    const parsed = CachedAssetPairs.safeParse(JSON.parse(raw));
    return parsed.success ? parsed.data : null;
  } catch {
    return null;
  }
}

async function fetchAndCache(deps: OpenInstrumentBookDeps, fetchedAtMs: number): Promise<CachedAssetPairs> {
  const result = await deps.loadAssetPairs();
  if (Object.keys(result).length === 0)
    throw new TriplegainError('EXCHANGE_REJECTED', 'kraken AssetPairs: the answer lists no pair', {
      call: 'AssetPairs',
    });
  const entry: CachedAssetPairs = { fetchedAtMs, result };
  // The live answer stands even when it cannot be cached; the next start reads it live again.
  await deps.redis
    .set(deps.keys.krakenAssetPairs, JSON.stringify(entry))
    .catch((err: unknown) => deps.logger.warn({ err: describeError(err) }, 'kraken AssetPairs not cached'));
  return entry;
}
