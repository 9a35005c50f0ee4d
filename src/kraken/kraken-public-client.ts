import { kraken as CcxtKraken } from 'ccxt';
import { z } from 'zod';
import { systemClock, type Clock } from '../clock/clock.ts';
import type { MarketDataConfig } from '../config/sections/market-data-config.ts';
import { DecimalString } from '../model/decimal-string.ts';
import { TriplegainError } from '../shared/triplegain-error.ts';
import { Candle } from '../model/candle.ts';
import { fetchWholeBody } from '../shared/fetch-whole-body.ts';
import { fillGaps } from '../market/fill-gaps.ts';
import type { KrakenRateLimiter } from './kraken-rate-limiter.ts';
import { mapExchangeError } from './map-exchange-error.ts';
import { Ticker } from '../market/ticker.ts';
import { krakenInterval, timeframeMs } from '../market/timeframes.ts';
import { type Timeframe } from '../model/timeframe.ts';
import { krakenRejected } from './kraken-rejected.ts';

export interface KrakenPublicClientOptions {
  /** `marketData.kraken`: `baseUrl` (tests), `timeoutMs`. */
  config: Pick<MarketDataConfig['kraken'], 'baseUrl' | 'timeoutMs'>;
  /** The shared limiter every HTTP request passes, the market list included. */
  limiter: Pick<KrakenRateLimiter, 'acquire'>;
  /** Decides which bars have closed and stamps tickers. Default the system clock. */
  clock?: Clock;
}

/** `[time, open, high, low, close, vwap, volume, count]`, prices as strings. */
const OhlcRow = z.tuple([
  z.number().int().nonnegative(),
  DecimalString,
  DecimalString,
  DecimalString,
  DecimalString,
  DecimalString,
  DecimalString,
  z.number().int().nonnegative(),
]);
/** Kraken sends `last` as a number; some recordings have it as a string. */
const OhlcLast = z.union([z.number().int(), z.string().regex(/^\d+$/).transform(Number)]);

/** A price followed by lot volumes: `a` `[price, wholeLotVolume, lotVolume]`, `c` `[price, lotVolume]`. */
const PriceAndVolumes = z.tuple([DecimalString]).rest(z.string());
/** `[today, last 24 hours]`. */
const TodayAnd24h = z.tuple([DecimalString, DecimalString]);
/** One pair of `/0/public/Ticker`. */
const TickerEntry = z.object({
  a: PriceAndVolumes,
  b: PriceAndVolumes,
  c: PriceAndVolumes,
  v: TodayAnd24h,
  p: TodayAnd24h,
  t: z.tuple([z.number().int().nonnegative(), z.number().int().nonnegative()]),
  l: TodayAnd24h,
  h: TodayAnd24h,
  o: DecimalString,
});

/** `/0/public/Time`'s `unixtime`: whole seconds since the epoch. */
const ServerTime = z.number().int().positive();

/** A pair as Kraken names it: `id` is the `AssetPairs` key (`XXBTZUSD`), `altname` e.g. `XBTUSD`. */
interface KrakenPair {
  id: string;
  altname?: string;
}

const Envelope = z.object({ result: z.record(z.string(), z.unknown()) });

/** ccxt's Kraken with every HTTP request passing our shared limiter (ccxt's own is off). */
class LimitedKraken extends CcxtKraken {
  constructor(
    config: ConstructorParameters<typeof CcxtKraken>[0],
    private readonly limiter: Pick<KrakenRateLimiter, 'acquire'>,
  ) {
    super(config);
  }

  override async fetch2(...args: Parameters<CcxtKraken['fetch2']>): ReturnType<CcxtKraken['fetch2']> {
    await this.limiter.acquire(1);
    return super.fetch2(...args);
  }
}

/**
 * Kraken's public market data (OHLC, Ticker) through ccxt, which resolves pairs from
 * `AssetPairs` (any Kraken pair: `BTC/USD` → `XXBTZUSD`), builds the URLs and recognises
 * Kraken's error strings. Prices are read from the raw response, never through ccxt's float
 * parsing, so they stay the exchange's decimal strings.
 *
 * Every failure is a `TriplegainError`: `TIMEOUT`, `EXCHANGE_UNAVAILABLE`,
 * `EXCHANGE_RATE_LIMITED` (retryable) or `EXCHANGE_REJECTED` (not); see `mapExchangeError`.
 */
export class KrakenPublicClient {
  private readonly exchange: LimitedKraken;
  private readonly clock: Clock;
  private markets: Promise<unknown> | undefined;

  constructor(opts: KrakenPublicClientOptions) {
    this.clock = opts.clock ?? systemClock;
    this.exchange = new LimitedKraken(
      {
        timeout: opts.config.timeoutMs,
        enableRateLimit: false,
        // ccxt's timer stops once the headers arrive; reading the body inside the fetch keeps a
        // stalled body under the same timeout (and the abort closes its socket).
        fetchImplementation: fetchWholeBody,
      },
      opts.limiter,
    );
    if (opts.config.baseUrl) {
      const api = this.exchange.urls['api'] as Record<string, string>;
      api['public'] = opts.config.baseUrl.replace(/\/+$/, '');
    }
  }

  /**
   * Closed bars of `symbol`, oldest first, from `sinceMs` (inclusive) or Kraken's default
   * window (the last 720 bars). The bar still forming is dropped; bars without trades come
   * gap-filled at the previous close, as Kraken sends them.
   */
  async fetchCandles(symbol: string, timeframe: Timeframe, sinceMs?: number): Promise<Candle[]> {
    const what = `OHLC ${symbol} ${timeframe}`;
    const market = await this.market(symbol, what);
    const request: Record<string, string | number> = { pair: market.id, interval: krakenInterval(timeframe) };
    // Kraken returns bars after `since` (exclusive); one bar earlier makes `sinceMs` inclusive.
    if (sinceMs !== undefined) request['since'] = Math.floor(sinceMs / 1000) - krakenInterval(timeframe) * 60;
    const result = resultOf(await this.call(what, () => this.exchange.publicGetOHLC(request)), what);

    const rows = z.array(OhlcRow).safeParse(pairEntry(result, market, what));
    if (!rows.success) throw krakenRejected(what, `unexpected OHLC rows: ${z.prettifyError(rows.error)}`);
    const last = OhlcLast.optional().safeParse(result['last']);
    if (!last.success) throw krakenRejected(what, `unexpected "last": ${JSON.stringify(result['last'])}`);

    const barMs = timeframeMs(timeframe);
    const nowMs = this.clock.now();
    const candles: Candle[] = [];
    for (const [time, open, high, low, close, , volume, count] of rows.data) {
      const openTimeMs = time * 1000;
      // Bars after `last` are not committed yet, and a bar is final only once it has closed.
      if (last.data !== undefined && time > last.data) continue;
      if (openTimeMs + barMs > nowMs) continue;
      if (sinceMs !== undefined && openTimeMs < sinceMs) continue;
      const parsed = Candle.safeParse({
        symbol,
        timeframe,
        openTimeMs,
        open,
        high,
        low,
        close,
        volume,
        trades: count,
        gapFilled: count === 0,
      });
      if (!parsed.success) throw krakenRejected(what, `bad bar at ${time}: ${z.prettifyError(parsed.error)}`);
      candles.push(parsed.data);
    }
    try {
      return fillGaps(candles);
    } catch (err) {
      throw krakenRejected(what, (err as Error).message);
    }
  }

  /** Best bid and ask, last trade and 24-hour statistics of `symbol`. */
  async fetchTicker(symbol: string): Promise<Ticker> {
    const what = `Ticker ${symbol}`;
    const market = await this.market(symbol, what);
    const result = resultOf(await this.call(what, () => this.exchange.publicGetTicker({ pair: market.id })), what);
    const entry = TickerEntry.safeParse(pairEntry(result, market, what));
    if (!entry.success) throw krakenRejected(what, `unexpected ticker: ${z.prettifyError(entry.error)}`);
    const t = entry.data;
    const ticker = Ticker.safeParse({
      symbol,
      receivedAtMs: this.clock.now(),
      bid: t.b[0],
      ask: t.a[0],
      last: t.c[0],
      open: t.o,
      high24h: t.h[1],
      low24h: t.l[1],
      volume24h: t.v[1],
      vwap24h: t.p[1],
      trades24h: t.t[1],
    });
    if (!ticker.success) throw krakenRejected(what, `unexpected ticker: ${z.prettifyError(ticker.error)}`);
    return ticker.data;
  }

  /**
   * Kraken's clock (`/0/public/Time`), with when the request was made and its answer came back
   * by the local clock, so that a caller can compare the two clocks. `sentAtMs` is taken before
   * the shared limiter admits the request: any wait for it widens the interval, never moves
   * Kraken's time out of it.
   *
   * @returns `serverMs`: Kraken's `unixtime` in ms (whole seconds, cut down).
   */
  async fetchServerTime(): Promise<{ serverMs: number; sentAtMs: number; receivedAtMs: number }> {
    const what = 'Time';
    const sentAtMs = this.clock.now();
    const result = resultOf(await this.call(what, () => this.exchange.publicGetTime()), what);
    const receivedAtMs = this.clock.now();
    const unixtime = ServerTime.safeParse(result['unixtime']);
    if (!unixtime.success) throw krakenRejected(what, `unexpected "unixtime": ${JSON.stringify(result['unixtime'])}`);
    return { serverMs: unixtime.data * 1000, sentAtMs, receivedAtMs };
  }

  /**
   * Every pair Kraken lists (`/0/public/AssetPairs`), as answered, pair key → entry: each pair's
   * precision (`pair_decimals`, `tick_size`, `lot_decimals`), minimums (`ordermin`, `costmin`)
   * and margin leverage (`leverage_buy`, `leverage_sell`); see `InstrumentBook.fromAssetPairs`.
   */
  async fetchAssetPairs(): Promise<Record<string, unknown>> {
    const what = 'AssetPairs';
    return resultOf(await this.call(what, () => this.exchange.publicGetAssetPairs()), what);
  }

  /** The Kraken market of a pair, loading the market list (Assets, AssetPairs) on first use. */
  private async market(symbol: string, what: string): Promise<KrakenPair> {
    if (!this.markets) {
      // ccxt keeps a failed load as a rejected promise; reload after a failure instead.
      const reload = this.exchange.markets !== undefined || this.exchange.marketsLoading !== undefined;
      this.markets = this.exchange.loadMarkets(reload);
      this.markets.catch(() => (this.markets = undefined));
    }
    const market = await this.call(what, async () => {
      await this.markets;
      return this.exchange.market(symbol);
    });
    const altname = (market?.info as { altname?: unknown } | undefined)?.altname;
    if (typeof market?.id !== 'string') throw krakenRejected(what, `no Kraken pair for ${symbol}`);
    return { id: market.id, altname: typeof altname === 'string' ? altname : undefined };
  }

  /** Runs a ccxt call, mapping its errors. */
  private async call<T>(what: string, work: () => Promise<T>): Promise<T> {
    try {
      return await work();
    } catch (err) {
      throw mapExchangeError(err, what);
    }
  }
}

/** The `result` object of a Kraken answer `{ error: [], result: {…} }`. */
function resultOf(response: unknown, what: string): Record<string, unknown> {
  // ccxt hands back a body that is not JSON (an HTML error page, a cut-off answer) as is or
  // as undefined: something between us and Kraken failed, which may pass.
  if (typeof response !== 'object' || response === null) {
    throw new TriplegainError('EXCHANGE_UNAVAILABLE', `kraken ${what}: the answer is not JSON`, { call: what });
  }
  const envelope = Envelope.safeParse(response);
  if (!envelope.success) throw krakenRejected(what, 'the answer has no "result" object');
  return envelope.data.result;
}

/** The entry of `pair` in a `result`, keyed by Kraken's pair id (or its altname). */
function pairEntry(result: Record<string, unknown>, pair: KrakenPair, what: string): unknown {
  const key = [pair.id, pair.altname].find((k): k is string => typeof k === 'string' && k in result);
  // Never take another pair's entry: a missing key is an error, not "the only one there".
  if (key === undefined)
    throw krakenRejected(
      what,
      `the answer has no entry for ${pair.id}; it has ${Object.keys(result).join(', ') || 'none'}`,
    );
  return result[key];
}
