import { createServer, type IncomingMessage, type ServerResponse } from 'node:http';
import type { AddressInfo, Socket } from 'node:net';
import type { Clock } from '../../clock/clock.ts';
import { UNKNOWN_ASSET_PAIR } from '../../exchange/paper/placement-refusal.ts';
import type { PriceBarInput } from '../../model/price-bar.ts';
import { KRAKEN_CALL_COST, KRAKEN_PRIVATE_CALL_COST, KRAKEN_TIER_LIMITS } from '../../kraken/kraken-rate-limiter.ts';
import { DecayingCounter } from './decaying-counter.ts';
import { FaultPlan, type FaultKind } from './fault-plan.ts';
import { KRAKEN_ERRORS } from './kraken-errors.ts';
import { isPermitted } from './kraken-permissions.ts';
import { signatureMatches } from './kraken-signature.ts';
import { resolveStandInOptions, type KrakenStandInOptions } from './kraken-stand-in-options.ts';
import { PRIVATE_METHODS } from './private-methods.ts';
import type { ProtectionGaps } from './protection-tracker.ts';
import { rfc3339 } from './rfc3339.ts';
import { StandInAccount } from './stand-in-account.ts';
import type { StandInOrder } from './stand-in-order.ts';
import { PairDirectory, pairsFromAssetPairs } from './stand-in-pair.ts';

/** One refused request: the method, Kraken's error string, when (Kraken's clock), and what was asked. */
export interface Refusal {
  method: string;
  error: string;
  atMs: number;
  /** The request's parameters but the nonce and a one-time password, `key=value` joined by spaces (empty when they did not parse). */
  request: string;
  /** What the stand-in saw, where it says (funds: what was needed, the balance, what open orders held); never sent to the client. */
  detail?: string;
}

/** One authenticated private request as the API counter saw it. */
export interface RequestSeen {
  atMs: number;
  method: string;
  /** What it adds to the API counter (`KRAKEN_PRIVATE_CALL_COST`; 0 for AddOrder and CancelOrder). */
  cost: number;
  /** The account's API counter once the request was counted (or refused for it). */
  counter: number;
}

export interface KrakenStandIn {
  /** Base URL, e.g. `http://127.0.0.1:41234`: Kraken's `https://api.kraken.com` (`execution.kraken.baseUrl`). */
  url: string;
  /** Faults for the next request of a method. */
  faults: Pick<FaultPlan, 'inject' | 'pending' | 'clear'>;
  /** Feeds one closed bar of `symbol` (`BTC/USD`, `XBTUSD` or `XXBTZUSD`): resting orders are matched, the close becomes the last price. */
  applyBar(symbol: string, bar: PriceBarInput): void;
  /** While on, every connection is destroyed as it arrives (and the open ones at once). */
  setOutage(on: boolean): void;
  /** Cancels every open order now, as the expiring CancelAllOrdersAfter timer does. */
  fireDeadManSwitch(): void;
  /** Looks at the timers now (the dead man's switch); requests and bars do too. */
  tick(): void;
  /** Every order, with its status. */
  orders(): StandInOrder[];
  /** Balances by Kraken asset code. */
  balances(): Record<string, string>;
  refusals(): Refusal[];
  /** Every authenticated private request in order: when (Kraken's clock), the method, its cost, the API counter after it. */
  requestLog(): RequestSeen[];
  /** Authenticated private requests received, by method (refused ones included): the API budget the live path spends. */
  requestCounts(): Record<string, number>;
  /** How many requests were refused `EAPI:Rate limit exceeded` (api) and `EOrder:Rate limit exceeded` (trading). */
  rateLimitErrors(): { api: number; trading: number };
  /** Unprotected holding time per tracked pair (see `ProtectionTracker`). */
  protectionGaps(opts: { graceMs: number }): ProtectionGaps;
  close(): Promise<void>;
}

const envelope = (result: unknown) => JSON.stringify({ error: [], result });
const failure = (error: string) => JSON.stringify({ error: [error] });

/**
 * Starts a local Kraken spot REST stand-in on 127.0.0.1 that is as strict as Kraken: the real
 * live path (ccxt through `KrakenPrivateClient` and `KrakenExchange`) is pointed at it with
 * `execution.kraken.baseUrl` to be rehearsed.
 *
 * Public: `Time` (Kraken's clock, with `timeOffsetMs`), `SystemStatus`, `AssetPairs` and
 * `Assets` from the shipped data, `Ticker` at the last close fed (`applyBar`). Private (POST `/0/private/<Method>`, form or JSON body),
 * checked in Kraken's order: `API-Key`, `API-Sign`, a nonce above the last one
 * (`EAPI:Invalid nonce`), the account's REST counter of the tier (`KRAKEN_TIER_LIMITS`; costs
 * `KRAKEN_PRIVATE_CALL_COST`, 1 for other methods; `EAPI:Rate limit exceeded`), the key's
 * permission (`EGeneral:Permission denied`), then the method (`PRIVATE_METHODS`).
 *
 * @throws ZodError for options that do not parse.
 */
export async function startKrakenStandIn(input: KrakenStandInOptions): Promise<KrakenStandIn> {
  const options = resolveStandInOptions(input);
  const krakenClock: Clock = { now: () => options.clock.now() + options.timeOffsetMs };
  const pairs = new PairDirectory(pairsFromAssetPairs(options.assetPairs));
  const account = new StandInAccount({
    pairs,
    tier: options.tier,
    marginEnabled: options.marginEnabled,
    balances: options.balances,
    clock: krakenClock,
  });
  const apiCounter = new DecayingCounter(KRAKEN_TIER_LIMITS[options.tier], krakenClock);
  const faults = new FaultPlan();
  const refusals: Refusal[] = [];
  const requestCounts: Record<string, number> = {};
  const requestLog: RequestSeen[] = [];
  const sockets = new Set<Socket>();
  const timers = new Set<NodeJS.Timeout>();
  let lastNonce = 0;
  let outage = false;

  const send = (res: ServerResponse, status: number, body: string, contentType = 'application/json') => {
    res.writeHead(status, { 'content-type': contentType, 'content-length': Buffer.byteLength(body) });
    res.end(body);
  };
  const refuse = (
    res: ServerResponse,
    method: string,
    error: string,
    params: Record<string, string> = {},
    detail?: string,
  ) => {
    const request = Object.entries(params)
      .filter(([key]) => key !== 'nonce' && key !== 'otp')
      .map(([key, value]) => `${key}=${value}`)
      .join(' ');
    refusals.push({ method, error, atMs: krakenClock.now(), request, ...(detail === undefined ? {} : { detail }) });
    send(res, 200, failure(error));
  };
  /** Applies a fault that acts before processing; true when the request is done with. */
  const faultBefore = (fault: FaultKind | undefined, req: IncomingMessage, res: ServerResponse): boolean => {
    if (fault === 'dropConnection') {
      req.socket.destroy();
      return true;
    }
    if (fault === 'serverError') {
      send(res, 502, '<html><body><h1>502 Bad Gateway</h1></body></html>', 'text/html');
      return true;
    }
    return false;
  };
  const hang = (req: IncomingMessage) => {
    const timer = setTimeout(() => {
      timers.delete(timer);
      req.socket.destroy();
    }, options.hangMs);
    timers.add(timer);
  };

  const answerPublic = (method: string, url: URL, res: ServerResponse) => {
    const nowMs = krakenClock.now();
    switch (method) {
      case 'Time':
        return send(res, 200, envelope({ unixtime: Math.floor(nowMs / 1000), rfc1123: new Date(nowMs).toUTCString() }));
      case 'SystemStatus':
        return send(res, 200, envelope({ status: 'online', timestamp: rfc3339(nowMs) }));
      case 'AssetPairs': {
        const wanted = url.searchParams.get('pair')?.split(',');
        const result = wanted
          ? Object.fromEntries(
              Object.entries(options.assetPairs).filter(
                ([id]) => wanted.includes(id) || wanted.includes(pairs.find(id)?.altname ?? ''),
              ),
            )
          : options.assetPairs;
        return send(res, 200, envelope(result));
      }
      case 'Assets':
        return send(res, 200, envelope(options.assets));
      case 'Ticker': {
        // Only the last price is known (the close of the last bar fed): the book and the day's
        // figures are that price, with no volume.
        const result: Record<string, unknown> = {};
        for (const name of (url.searchParams.get('pair') ?? '').split(',').filter(Boolean)) {
          const pair = pairs.find(name);
          if (!pair) return send(res, 200, failure(UNKNOWN_ASSET_PAIR));
          const last = account.lastPrice(pair.id);
          if (last === undefined) return send(res, 200, failure(KRAKEN_ERRORS.unavailable));
          result[pair.id] = {
            a: [last, '1', '1.000'],
            b: [last, '1', '1.000'],
            c: [last, '0'],
            v: ['0', '0'],
            p: [last, last],
            t: [0, 0],
            l: [last, last],
            h: [last, last],
            o: last,
          };
        }
        return send(res, 200, envelope(result));
      }
      default:
        return send(res, 404, failure(KRAKEN_ERRORS.unknownMethod));
    }
  };

  const answerPrivate = (method: string, path: string, raw: string, req: IncomingMessage, res: ServerResponse) => {
    const isJson = (req.headers['content-type'] ?? '').includes('application/json');
    let params: Record<string, string>;
    try {
      params = isJson
        ? Object.fromEntries(Object.entries(JSON.parse(raw) as Record<string, unknown>).map(([k, v]) => [k, String(v)]))
        : Object.fromEntries(new URLSearchParams(raw));
    } catch {
      return refuse(res, method, KRAKEN_ERRORS.invalidArguments);
    }
    const fault = faults.take(method);
    if (faultBefore(fault, req, res)) return;
    if (fault === 'invalidNonce') return refuse(res, method, KRAKEN_ERRORS.invalidNonce);
    if (req.headers['api-key'] !== options.apiKey) return refuse(res, method, KRAKEN_ERRORS.invalidKey);
    const nonceText = params['nonce'] ?? '';
    if (!signatureMatches(path, nonceText, raw, options.apiSecret, String(req.headers['api-sign'] ?? '')))
      return refuse(res, method, KRAKEN_ERRORS.invalidSignature);
    const nonce = Number(nonceText);
    if (!/^\d+$/.test(nonceText) || !Number.isSafeInteger(nonce) || nonce <= lastNonce)
      return refuse(res, method, KRAKEN_ERRORS.invalidNonce);
    lastNonce = nonce;

    requestCounts[method] = (requestCounts[method] ?? 0) + 1;
    const handler = PRIVATE_METHODS[method];
    if (!handler) return refuse(res, method, KRAKEN_ERRORS.unknownMethod);
    const cost = (KRAKEN_PRIVATE_CALL_COST as Record<string, number>)[method] ?? KRAKEN_CALL_COST.call;
    const admitted = cost === 0 || apiCounter.tryAdd(cost);
    requestLog.push({ atMs: krakenClock.now(), method, cost: admitted ? cost : 0, counter: apiCounter.value() });
    if (!admitted) return refuse(res, method, KRAKEN_ERRORS.apiRateLimit, params);
    if (!isPermitted(method, options.permissions)) return refuse(res, method, KRAKEN_ERRORS.permissionDenied, params);

    const outcome = handler(params, {
      account,
      pairs,
      apiKey: options.apiKey,
      permissions: options.permissions,
      nonce,
    });
    if (fault === 'timeoutAfterAccept') return hang(req);
    if (!outcome.ok) return refuse(res, method, outcome.error, params, outcome.detail);
    send(res, 200, envelope(outcome.result));
  };

  const server = createServer((req, res) => {
    const url = new URL(req.url ?? '/', 'http://kraken-stand-in');
    const chunks: Buffer[] = [];
    req.on('data', (chunk: Buffer) => chunks.push(chunk));
    req.on('end', () => {
      account.tick();
      const method = url.pathname.split('/').at(-1) ?? '';
      if (url.pathname.startsWith('/0/public/')) {
        const fault = faults.take(method);
        if (faultBefore(fault, req, res)) return;
        if (fault === 'timeoutAfterAccept') return hang(req);
        return answerPublic(method, url, res);
      }
      if (req.method !== 'POST' || !url.pathname.startsWith('/0/private/'))
        return send(res, 404, failure(KRAKEN_ERRORS.unknownMethod));
      answerPrivate(method, url.pathname, Buffer.concat(chunks).toString('utf8'), req, res);
    });
  });
  // An outage refuses connections as they arrive; `setOutage(true)` drops the open ones.
  server.on('connection', (socket) => {
    if (outage) return void socket.destroy();
    sockets.add(socket);
    socket.on('close', () => sockets.delete(socket));
  });
  await new Promise<void>((resolve, reject) => {
    server.once('error', reject);
    server.listen(options.port, '127.0.0.1', () => resolve());
  });
  const { port } = server.address() as AddressInfo;
  const ticker = options.tickIntervalMs > 0 ? setInterval(() => account.tick(), options.tickIntervalMs) : undefined;
  ticker?.unref();

  return {
    url: `http://127.0.0.1:${port}`,
    faults,
    applyBar: (symbol, bar) => account.applyBar(symbol, bar),
    setOutage(on) {
      outage = on;
      account.protection.recordOutage(on, krakenClock.now());
      if (on) for (const socket of sockets) socket.destroy();
    },
    fireDeadManSwitch: () => account.fireDeadManSwitch(),
    tick: () => account.tick(),
    orders: () => account.allOrders(),
    balances: () => account.balanceSnapshot(),
    refusals: () => [...refusals],
    requestLog: () => [...requestLog],
    requestCounts: () => ({ ...requestCounts }),
    rateLimitErrors: () => ({
      api: refusals.filter((r) => r.error === KRAKEN_ERRORS.apiRateLimit).length,
      trading: refusals.filter((r) => r.error === KRAKEN_ERRORS.tradingRateLimit).length,
    }),
    protectionGaps({ graceMs }) {
      account.tick();
      return account.protection.measure(graceMs, krakenClock.now());
    },
    async close() {
      if (ticker) clearInterval(ticker);
      for (const timer of timers) clearTimeout(timer);
      const closed = new Promise<void>((resolve) => server.close(() => resolve()));
      for (const socket of sockets) socket.destroy();
      await closed;
    },
  };
}
