import { DDoSProtection, RateLimitExceeded } from 'ccxt';
import type { Redis } from 'ioredis';
import type { ExecutionConfig } from '../config/sections/execution-config.ts';
import type { Keys } from '../keys.ts';
import type { CallPriority } from '../exchange/call-priority.ts';
import {
  admissionCeiling,
  KRAKEN_CALL_COST,
  KRAKEN_PRIVATE_CALL_COST,
  KRAKEN_TIER_LIMITS,
  KrakenRateLimiter,
  type KrakenPrivateMethod,
  type RateLimitParams,
} from './kraken-rate-limiter.ts';
import { mapExchangeError } from './map-exchange-error.ts';
import { silentLogger, type Logger } from '../shared/logger.ts';
import { describeError, TriplegainError } from '../shared/triplegain-error.ts';
import { krakenAccountId, krakenAccountKeys } from './kraken-account-keys.ts';
import { KrakenAccountLock } from './kraken-account-lock.ts';
import { KRAKEN_TRADING_TIER_LIMITS, KrakenTradingLimiter } from './kraken-trading-limiter.ts';
import { DisciplinedKraken, fetchMarkingSent, requestContext, type RequestContext } from './disciplined-kraken.ts';
import { krakenErrorOf, resultOf } from './kraken-answer.ts';
import { abortedBeforeSending, pauseBeforeSending } from './pause-before-sending.ts';
import type { KrakenMarket, PrivateCallOptions, PrivateRequestInfo } from './kraken-private-call.ts';

export interface KrakenPrivateClientOptions {
  /** `execution.kraken`: credentials, `baseUrl` (tests), `timeoutMs` of one request, `tier`. */
  config: Pick<ExecutionConfig['kraken'], 'apiKey' | 'apiSecret' | 'baseUrl' | 'timeoutMs' | 'tier'>;
  redis: Redis;
  keys: Keys;
  /** The shared public limiter (`kraken:public`) the market list loads through. */
  publicLimiter: Pick<KrakenRateLimiter, 'acquire'>;
  /** The account's API counter. Default the tier's (`KRAKEN_TIER_LIMITS`). */
  apiLimit?: RateLimitParams;
  /** The per-pair trading counter. Default the tier's (`KRAKEN_TRADING_TIER_LIMITS`). */
  tradingLimit?: RateLimitParams;
  /** Longest a call waits for its turn (account lock, counters) before failing. Default 30 000. */
  maxWaitMs?: number;
  logger?: Logger;
  /** Called for every private request just before it is sent (metrics, tests). */
  onRequest?: (request: PrivateRequestInfo) => void;
  /** Wall time, ms, that an AddOrder's `deadline` is counted from (Kraken compares it with its own clock). Default `Date.now`. */
  wallNowMs?: () => number;
}

/** The counter that admits a call: its cost, how high it may fill it (undefined: to the maximum), and whether it waits for room. */
interface Admission {
  limiter: KrakenRateLimiter;
  cost: number;
  ceiling: number | undefined;
  waits: boolean;
}

/** How often a replica looks again at a held account lock (plus jitter). */
const LOCK_POLL_MS = 5;
/** How long the account lock outlives its holder's request timeout. */
const LOCK_MARGIN_MS = 5_000;

/**
 * Kraken's private REST API through ccxt (signing, URLs, error strings), with the discipline
 * every replica shares through Redis:
 *
 * - **One writer per API key.** A request runs only while its replica holds the account lock
 *   (`KrakenAccountLock`) and signs with the nonce taken under it, so nonces reach Kraken in
 *   increasing order and `EAPI:Invalid nonce` cannot come from us.
 * - **API counter.** Each call is admitted by the account's decaying counter (tier from
 *   config; history calls cost 2, AddOrder and CancelOrder nothing, see
 *   `KRAKEN_PRIVATE_CALL_COST`), checked under the lock just before sending.
 * - **Trading counter.** AddOrder and CancelOrder are admitted by their pair's matching-engine
 *   counter (`KrakenTradingLimiter`) instead.
 * - **Back-off.** `EAPI:Rate limit exceeded` (or HTTP 429) fills the API counter,
 *   `EOrder:Rate limit exceeded` the pair's, so no replica calls before they have decayed.
 * - **No retries.** ccxt's are off; a request that timed out, got a 5xx or lost its connection
 *   is never sent again here: its outcome is unknown (`TIMEOUT`, `EXCHANGE_UNAVAILABLE`).
 *
 * Errors are `TriplegainError`s (`mapExchangeError`) whose details carry `krakenError` (the
 * `E…` string, when Kraken sent one) and `requestSent` (false: Kraken never saw the request).
 */
export class KrakenPrivateClient {
  /** Names the account in Redis keys without revealing the API key. */
  readonly accountId: string;
  readonly apiLimiter: KrakenRateLimiter;
  readonly trading: KrakenTradingLimiter;
  private readonly exchange: DisciplinedKraken;
  private readonly lock: KrakenAccountLock;
  private readonly apiLimit: RateLimitParams;
  private readonly maxWaitMs: number;
  private readonly logger: Logger;
  private readonly onRequest: ((request: PrivateRequestInfo) => void) | undefined;
  private readonly wallNowMs: () => number;
  private markets: Promise<unknown> | undefined;

  constructor(opts: KrakenPrivateClientOptions) {
    const { apiKey, apiSecret, baseUrl, timeoutMs, tier } = opts.config;
    if (!apiKey || !apiSecret) {
      throw new TriplegainError(
        'CONFIG_INVALID',
        'execution.kraken: apiKey and apiSecret are required to trade on Kraken',
        {},
      );
    }
    if (!/^[A-Za-z0-9+/]+={0,2}$/.test(apiSecret)) {
      throw new TriplegainError(
        'CONFIG_INVALID',
        'execution.kraken.apiSecret: expected the base64 private key Kraken shows',
        {},
      );
    }
    this.accountId = krakenAccountId(apiKey);
    const keys = krakenAccountKeys(opts.keys, this.accountId);
    this.apiLimit = opts.apiLimit ?? KRAKEN_TIER_LIMITS[tier];
    this.apiLimiter = new KrakenRateLimiter({ redis: opts.redis, key: keys.apiCounter, ...this.apiLimit });
    this.trading = new KrakenTradingLimiter({
      redis: opts.redis,
      keys,
      limits: opts.tradingLimit ?? KRAKEN_TRADING_TIER_LIMITS[tier],
    });
    this.lock = new KrakenAccountLock({ redis: opts.redis, keys, holdMs: timeoutMs + LOCK_MARGIN_MS });
    this.maxWaitMs = opts.maxWaitMs ?? 30_000;
    this.logger = opts.logger ?? silentLogger;
    this.onRequest = opts.onRequest;
    this.wallNowMs = opts.wallNowMs ?? Date.now;
    this.exchange = new DisciplinedKraken(
      {
        apiKey,
        secret: apiSecret,
        timeout: timeoutMs,
        enableRateLimit: false,
        // ccxt's timer stops once the headers arrive; reading the body inside the fetch keeps a
        // stalled body under the same timeout (and the abort closes its socket).
        fetchImplementation: fetchMarkingSent,
      },
      opts.publicLimiter,
    );
    // Never resend a private request: an AddOrder resent after a timeout may trade twice.
    this.exchange.options['maxRetriesOnFailure'] = 0;
    if (baseUrl) {
      const api = this.exchange.urls['api'] as Record<string, string>;
      api['public'] = api['private'] = baseUrl.replace(/\/+$/, '');
    }
  }

  /**
   * Whether a call of `priority` costing `cost` would be admitted now without waiting: the
   * modelled API counter plus the cost within the priority's ceiling (`admissionCeiling`). A
   * caller that saves the call (an answer shared from an earlier read) asks this to hold back
   * as that call would have: what follows it (an order, its follow-up, its stop) needs room too.
   */
  async hasRoom(priority: CallPriority, cost: number = KRAKEN_CALL_COST.call): Promise<boolean> {
    return (await this.apiLimiter.counter()) + cost <= admissionCeiling(this.apiLimit.maxCounter, priority);
  }

  /**
   * Sends one private request once: waits for the account's turn (lock, then the counter that
   * admits the method), takes the nonce, sends, and releases the lock once Kraken has answered
   * or the request has timed out.
   *
   * @returns the `result` object of Kraken's answer.
   * @throws TriplegainError: what `mapExchangeError` makes of a failure; `TIMEOUT` when the
   *   caller aborted; `EXCHANGE_RATE_LIMITED` or `BUSY` when the turn did not come within
   *   `maxWaitMs` (nothing sent); `EXCHANGE_UNAVAILABLE` for an answer that is not Kraken's
   *   envelope (outcome unknown).
   */
  async call(
    method: KrakenPrivateMethod,
    params: Record<string, string>,
    opts: PrivateCallOptions = {},
  ): Promise<Record<string, unknown>> {
    const what = opts.what ?? method;
    const admission = this.admissionOf(method, opts.trading, opts.priority ?? 'trading');
    const turn = await this.takeTurn(what, admission, opts.signal);
    const context: RequestContext = { nonce: turn.nonce, nonceTaken: false, signal: opts.signal, sent: false };
    // Wall time, not the market clock: Kraken compares it with its own.
    const sentParams =
      opts.deadlineMs === undefined
        ? params
        : { ...params, deadline: new Date(this.wallNowMs() + opts.deadlineMs).toISOString() };
    try {
      this.onRequest?.({ method, nonce: turn.nonce, counter: turn.counter });
      const response: unknown = await requestContext.run(context, () =>
        this.exchange[`privatePost${method}`](sentParams),
      );
      return resultOf(response, what);
    } catch (err) {
      throw await this.failure(err, what, context, opts);
    } finally {
      await this.lock.release(turn.token).catch((err: unknown) => {
        // The lock expires by itself after `holdMs`.
        this.logger.warn({ err: describeError(err), call: what }, 'kraken account lock not released');
      });
    }
  }

  /** Loads Kraken's pairs and assets (public), once; a failed load is tried again next time. */
  async loadMarkets(): Promise<void> {
    if (!this.markets) {
      // ccxt keeps a failed load as a rejected promise; reload after a failure instead.
      const reload = this.exchange.markets !== undefined || this.exchange.marketsLoading !== undefined;
      this.markets = this.exchange.loadMarkets(reload);
      this.markets.catch(() => (this.markets = undefined));
    }
    try {
      await this.markets;
    } catch (err) {
      throw mapExchangeError(err, 'AssetPairs');
    }
  }

  /**
   * The Kraken pair of a symbol (`BTC/USD` → `XXBTZUSD`, altname `XBTUSD`).
   *
   * @throws TriplegainError `EXCHANGE_REJECTED` when Kraken has no such pair.
   */
  async market(symbol: string): Promise<KrakenMarket> {
    await this.loadMarkets();
    const market = this.exchange.markets?.[symbol];
    if (typeof market?.id !== 'string') {
      throw new TriplegainError('EXCHANGE_REJECTED', `kraken: no Kraken pair for ${symbol}`, {
        symbol,
        requestSent: false,
      });
    }
    const altname = (market.info as { altname?: unknown } | undefined)?.altname;
    return { id: market.id, altname: typeof altname === 'string' ? altname : undefined };
  }

  /**
   * Our symbol of a pair as Kraken names it in orders (`XBTUSD`, `XXBTZUSD`), after
   * `loadMarkets`. A pair missing from `AssetPairs` (delisted) is read as two asset names
   * (`LTCUSDT` → `LTC/USDT`) when exactly one split fits; otherwise null.
   */
  symbolOf(pair: string): string | null {
    const byAltname = this.exchange.options['marketsByAltname'] as Record<string, { symbol?: string }> | undefined;
    const known =
      byAltname?.[pair]?.symbol ??
      (this.exchange.markets_by_id?.[pair] as { symbol?: string }[] | undefined)?.[0]?.symbol;
    if (known) return known;
    const codes = new Map<string, string>();
    for (const currency of Object.values(this.exchange.currencies ?? {})) {
      if (!currency?.code) continue;
      const altname = (currency.info as { altname?: unknown } | undefined)?.altname;
      if (typeof currency.id === 'string') codes.set(currency.id, currency.code);
      if (typeof altname === 'string') codes.set(altname, currency.code);
    }
    const splits: string[] = [];
    for (let i = 1; i < pair.length; i++) {
      const base = codes.get(pair.slice(0, i));
      const quote = codes.get(pair.slice(i));
      if (base && quote) splits.push(`${base}/${quote}`);
    }
    return splits.length === 1 ? splits[0]! : null;
  }

  /** Kraken's name of one of our asset codes (`USD` → `ZUSD`), after `loadMarkets`; the code itself when Kraken lists no such asset. */
  assetId(code: string): string {
    const id = this.exchange.currencies?.[code]?.id;
    return typeof id === 'string' ? id : code;
  }

  /** Our code of a Kraken asset (`XXBT` → `BTC`, `ZUSD` → `USD`), after `loadMarkets`. */
  assetCode(asset: string): string {
    return this.exchange.safeCurrencyCode(asset) ?? asset;
  }

  private admissionOf(
    method: KrakenPrivateMethod,
    trading: PrivateCallOptions['trading'],
    priority: CallPriority,
  ): Admission | undefined {
    const apiCost = KRAKEN_PRIVATE_CALL_COST[method];
    if (apiCost > 0)
      return {
        limiter: this.apiLimiter,
        cost: apiCost,
        ceiling: admissionCeiling(this.apiLimit.maxCounter, priority),
        waits: priority !== 'background',
      };
    if (trading && trading.cost > 0)
      return { limiter: this.trading.limiterFor(trading.symbol), cost: trading.cost, ceiling: undefined, waits: true };
    return undefined;
  }

  /** Waits until this replica holds the account lock and the counter admitted the call. */
  private async takeTurn(
    what: string,
    admission: Admission | undefined,
    signal: AbortSignal | undefined,
  ): Promise<{ token: string; nonce: number; counter: number | null }> {
    const deadline = performance.now() + this.maxWaitMs;
    try {
      for (;;) {
        if (signal?.aborted) throw abortedBeforeSending(what);
        const token = await this.lock.tryAcquire();
        if (token === null) {
          if (performance.now() > deadline) {
            throw new TriplegainError('BUSY', `kraken ${what}: the account lock stayed busy for ${this.maxWaitMs} ms`, {
              call: what,
              requestSent: false,
            });
          }
          await pauseBeforeSending(LOCK_POLL_MS + Math.random() * 4 * LOCK_POLL_MS, signal, what);
          continue;
        }
        let turn: { token: string; nonce: number; counter: number | null } | undefined;
        let waitMs = 0;
        try {
          const decision = admission
            ? await admission.limiter.tryAcquire(admission.cost, admission.ceiling)
            : undefined;
          if (!decision || decision.admitted)
            turn = { token, nonce: await this.lock.nextNonce(token), counter: decision?.counter ?? null };
          else waitMs = decision.waitMs;
        } finally {
          // Waiting for the counter to decay happens without the lock: other calls may go.
          if (!turn) await this.lock.release(token);
        }
        if (turn) return turn;
        if (admission && !admission.waits) {
          throw new TriplegainError(
            'EXCHANGE_RATE_LIMITED',
            `kraken ${what}: the API counter is kept for trading and protective calls now (${waitMs} ms to room)`,
            {
              call: what,
              waitMs,
              requestSent: false,
            },
          );
        }
        if (performance.now() + waitMs > deadline) {
          throw new TriplegainError(
            'EXCHANGE_RATE_LIMITED',
            `kraken ${what}: the rate limit would hold the call past ${this.maxWaitMs} ms`,
            {
              call: what,
              waitMs,
              requestSent: false,
            },
          );
        }
        await pauseBeforeSending(waitMs + Math.random() * Math.min(50, waitMs * 0.1), signal, what);
      }
    } catch (err) {
      if (err instanceof TriplegainError) throw err;
      throw new TriplegainError(
        'REDIS_UNAVAILABLE',
        `kraken ${what}: ${describeError(err)}`,
        { call: what, requestSent: false },
        { cause: err },
      );
    }
  }

  /** The error a failed request becomes, after backing off when Kraken said to slow down. */
  private async failure(
    err: unknown,
    what: string,
    context: RequestContext,
    opts: PrivateCallOptions,
  ): Promise<TriplegainError> {
    const requestSent = context.sent;
    if (opts.signal?.aborted && !(err instanceof TriplegainError)) {
      return new TriplegainError(
        'TIMEOUT',
        `kraken ${what}: aborted by the caller`,
        { call: what, requestSent },
        { cause: err },
      );
    }
    const krakenError = krakenErrorOf(err);
    if (krakenError?.startsWith('EOrder:Rate limit exceeded') && opts.trading) {
      await this.backOff(this.trading.limiterFor(opts.trading.symbol), what, krakenError);
    } else if (err instanceof DDoSProtection || err instanceof RateLimitExceeded) {
      await this.backOff(this.apiLimiter, what, krakenError ?? describeError(err));
    }
    const mapped = mapExchangeError(err, what);
    // "Too many concurrent requests, try after <time>": retryable, not a refusal of the request.
    const code = krakenError?.startsWith('EService:Throttled') ? 'EXCHANGE_RATE_LIMITED' : mapped.code;
    return new TriplegainError(code, mapped.message, { ...mapped.details, krakenError, requestSent }, { cause: err });
  }

  private async backOff(limiter: KrakenRateLimiter, what: string, reason: string): Promise<void> {
    try {
      const counter = await limiter.backOff();
      this.logger.warn({ call: what, reason, modelledCounter: counter }, 'kraken rate limit exceeded: backing off');
    } catch (err) {
      this.logger.warn({ call: what, err: describeError(err) }, 'kraken rate limit back-off not recorded');
    }
  }
}
