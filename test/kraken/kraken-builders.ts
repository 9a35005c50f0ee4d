import type { Redis } from 'ioredis';
import { ExecutionConfig } from '../../src/config/sections/execution-config.ts';
import type { PlaceOrderRequest } from '../../src/exchange/exchange-port.ts';
import { KrakenPrivateClient, type KrakenPrivateClientOptions } from '../../src/kraken/kraken-private-client.ts';
import type { Keys } from '../../src/keys.ts';
import type { RateLimitParams } from '../../src/kraken/kraken-rate-limiter.ts';
import { TriplegainError } from '../../src/shared/triplegain-error.ts';
import { TEST_API_KEY, TEST_API_SECRET } from '../support/kraken-private-server.ts';

/** A counter the tests never reach, for tests that are not about rate limits. */
export const ROOMY: RateLimitParams = { maxCounter: 10_000, decayPerSec: 10_000 };

/** `execution.kraken` pointing at a local server, through the real config schema. */
export function krakenConfig(baseUrl: string, overrides: Record<string, unknown> = {}): ExecutionConfig['kraken'] {
  return ExecutionConfig.parse({
    exchange: 'kraken',
    kraken: { apiKey: TEST_API_KEY, apiSecret: TEST_API_SECRET, baseUrl, timeoutMs: 1_000, ...overrides },
  }).kraken;
}

/** A limiter that admits everything and counts. */
export function countingLimiter() {
  const limiter = { calls: 0, acquire: async () => ({ admitted: true, waitMs: 0, counter: ++limiter.calls }) };
  return limiter;
}

export function aKrakenClient(
  deps: { baseUrl: string; redis: Redis; keys: Keys },
  overrides: Partial<Omit<KrakenPrivateClientOptions, 'redis' | 'keys'>> = {},
): KrakenPrivateClient {
  return new KrakenPrivateClient({
    config: krakenConfig(deps.baseUrl),
    redis: deps.redis,
    keys: deps.keys,
    publicLimiter: countingLimiter(),
    apiLimit: ROOMY,
    tradingLimit: ROOMY,
    ...overrides,
  });
}

/** An order that passes the real schema. */
export function anOrder(overrides: Partial<PlaceOrderRequest> = {}): PlaceOrderRequest {
  return {
    clientOrderId: '2d0c7f3a-9b1e-5c4d-8e6f-0a1b2c3d4e5f',
    symbol: 'BTC/USD',
    side: 'buy',
    type: 'limit',
    quantity: '0.01000000',
    limitPrice: '50000.0',
    ...overrides,
  };
}

export async function failure(work: Promise<unknown>): Promise<TriplegainError> {
  const err = await work.then(
    () => undefined,
    (e: unknown) => e,
  );
  if (err instanceof TriplegainError) return err;
  throw new Error(`expected a TriplegainError, got ${String(err)}`);
}

/** One market buy of 0.01 BTC (XBTUSD) filled in full at 40 000, as Kraken's order listings and QueryOrders show an order (the shape of `http_closed_orders.json`). */
export function aFilledKrakenMarketBuy(clientOrderId: string, nowMs: number) {
  return {
    refid: null,
    userref: 0,
    cl_ord_id: clientOrderId,
    status: 'closed',
    reason: null,
    opentm: nowMs / 1000,
    closetm: nowMs / 1000,
    starttm: 0,
    expiretm: 0,
    descr: {
      pair: 'XBTUSD',
      type: 'buy',
      ordertype: 'market',
      price: '0',
      price2: '0',
      leverage: 'none',
      order: 'buy 0.01000000 XBTUSD @ market',
      close: '',
    },
    vol: '0.01000000',
    vol_exec: '0.01000000',
    cost: '400.00000',
    fee: '1.60000',
    price: '40000.0',
    stopprice: '0.00000',
    limitprice: '0.00000',
    misc: '',
    oflags: 'fciq',
  };
}
