import { ManualClock } from '../../../src/clock/clock.ts';
import { KrakenExchange } from '../../../src/kraken/kraken-exchange.ts';
import type { KrakenPrivateClientOptions } from '../../../src/kraken/kraken-private-client.ts';
import { krakenSignature } from '../../../src/rehearse/kraken-stand-in/kraken-signature.ts';
import { startKrakenStandIn, type KrakenStandIn } from '../../../src/rehearse/kraken-stand-in/start-kraken-stand-in.ts';
import type { KrakenStandInOptions } from '../../../src/rehearse/kraken-stand-in/kraken-stand-in-options.ts';
import { TEST_API_KEY, TEST_API_SECRET } from '../../support/kraken-private-server.ts';
import { createTestRedis, type TestRedis } from '../../support/test-redis.ts';
import { aKrakenClient } from '../../kraken/kraken-builders.ts';

/** The stand-in's wall time in these tests: moved by hand. */
export const START_MS = Date.UTC(2026, 0, 5, 12, 0, 0);

export interface Harness {
  standIn: KrakenStandIn;
  clock: ManualClock;
  redis: TestRedis;
  /** The project's live path, pointed at the stand-in. */
  exchange: KrakenExchange;
  newExchange(overrides?: Partial<Omit<KrakenPrivateClientOptions, 'redis' | 'keys'>>): KrakenExchange;
  /** A signed private request as ccxt sends it (form body), for calls the project does not make. */
  signed(
    method: string,
    params?: Record<string, string>,
    opts?: { apiKey?: string; secret?: string; nonce?: number },
  ): Promise<{ error: string[]; result?: Record<string, unknown> }>;
  close(): Promise<void>;
}

let lastNonce = 0;
/** Above every nonce the client took from Redis before (µs of wall time), and increasing. */
export function nextNonce(): number {
  lastNonce = Math.max(lastNonce + 1, Date.now() * 1000);
  return lastNonce;
}

export async function startHarness(options: Partial<KrakenStandInOptions> = {}): Promise<Harness> {
  const clock = new ManualClock(START_MS);
  const redis = await createTestRedis();
  const standIn = await startKrakenStandIn({
    apiKey: TEST_API_KEY,
    apiSecret: TEST_API_SECRET,
    balances: { ZUSD: '10000', XXBT: '0' },
    clock,
    tickIntervalMs: 0,
    ...options,
  });
  const newExchange = (overrides: Partial<Omit<KrakenPrivateClientOptions, 'redis' | 'keys'>> = {}) =>
    new KrakenExchange({
      client: aKrakenClient(
        { baseUrl: standIn.url, redis: redis.redis, keys: redis.keys },
        { wallNowMs: () => clock.now(), ...overrides },
      ),
      clock,
    });
  return {
    standIn,
    clock,
    redis,
    exchange: newExchange(),
    newExchange,
    async signed(method, params = {}, opts = {}) {
      const path = `/0/private/${method}`;
      const nonce = String(opts.nonce ?? nextNonce());
      const body = new URLSearchParams({ nonce, ...params }).toString();
      const response = await fetch(`${standIn.url}${path}`, {
        method: 'POST',
        headers: {
          'content-type': 'application/x-www-form-urlencoded',
          'API-Key': opts.apiKey ?? TEST_API_KEY,
          'API-Sign': krakenSignature(path, nonce, body, opts.secret ?? TEST_API_SECRET).toString('base64'),
        },
        body,
      });
      return (await response.json()) as { error: string[]; result?: Record<string, unknown> };
    },
    async close() {
      await standIn.close();
      await redis.cleanup();
    },
  };
}

/** A one-minute bar at `price` (open = high = low = close), volume 10. */
export function flatBar(price: string, openTimeMs = START_MS) {
  return { openTimeMs, open: price, high: price, low: price, close: price, volume: '10' };
}
