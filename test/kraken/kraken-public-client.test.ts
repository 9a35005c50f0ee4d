import { readFileSync } from 'node:fs';
import { afterAll, afterEach, beforeAll, describe, expect } from 'vitest';
import { it } from '../support/fixtures.ts';
import { ManualClock } from '../../src/clock/clock.ts';
import { MarketDataConfig } from '../../src/config/sections/market-data-config.ts';
import { KrakenPublicClient } from '../../src/kraken/kraken-public-client.ts';
import { KrakenRateLimiter } from '../../src/kraken/kraken-rate-limiter.ts';
import { TriplegainError } from '../../src/shared/triplegain-error.ts';
import { startKrakenFixtureServer, type KrakenFixtureServer } from '../support/kraken-fixture-server.ts';
import { scaled } from '../support/test-timing.ts';

type OhlcRow = [number, string, string, string, string, string, string, number];
const capture = JSON.parse(
  readFileSync(new URL('../fixtures/kraken/nautilus/http_ohlc.json', import.meta.url), 'utf8'),
) as {
  result: { XBTUSDT: OhlcRow[]; last: number };
};
/** Server time when the OHLC and Ticker captures were taken (`http_server_time.json`: 1762820224). */
const CAPTURED_AT_MS = 1_762_820_224_000;
const TIMEOUT_MS = 1_000;

/** A limiter that admits everything and counts. */
function countingLimiter() {
  const limiter = { calls: 0, acquire: async () => ({ admitted: true, waitMs: 0, counter: ++limiter.calls }) };
  return limiter;
}

async function failure(work: Promise<unknown>): Promise<TriplegainError> {
  const err = await work.then(
    () => undefined,
    (e: unknown) => e,
  );
  if (err instanceof TriplegainError) return err;
  throw new Error(`expected a TriplegainError, got ${String(err)}`);
}

describe('KrakenPublicClient against recorded Kraken responses', () => {
  let server: KrakenFixtureServer;
  const clock = new ManualClock(CAPTURED_AT_MS);
  const config = () => MarketDataConfig.parse({ kraken: { baseUrl: server.url, timeoutMs: TIMEOUT_MS } }).kraken;
  const newClient = (limiter: Pick<KrakenRateLimiter, 'acquire'> = countingLimiter()) =>
    new KrakenPublicClient({ config: config(), limiter, clock });

  beforeAll(async () => {
    server = await startKrakenFixtureServer();
  });
  afterEach(() => {
    server.reset();
    clock.set(CAPTURED_AT_MS);
  });
  afterAll(() => server.close());

  it('parses OHLC into candles with the decimal strings exactly as Kraken sent them', async () => {
    const candles = await newClient().fetchCandles('BTC/USDT', '1m');

    const rows = capture.result.XBTUSDT;
    expect(rows).toHaveLength(721);
    // The last row (00:17) is still forming: `last` is 00:16.
    expect(candles).toHaveLength(720);
    candles.forEach((c, i) => {
      const [time, open, high, low, close, , volume, count] = rows[i]!;
      expect(c).toEqual({
        symbol: 'BTC/USDT',
        timeframe: '1m',
        openTimeMs: time * 1000,
        open,
        high,
        low,
        close,
        volume,
        trades: count,
        gapFilled: count === 0,
      });
    });
    expect(candles.filter((c) => c.gapFilled)).toHaveLength(215);
    expect(candles.find((c) => !c.gapFilled)).toMatchObject({ volume: expect.stringMatching(/^\d+\.\d{8}$/) });

    const ohlc = server.requests.find((r) => r.path === '/0/public/OHLC')!;
    expect(Object.fromEntries(ohlc.query)).toEqual({ pair: 'XBTUSDT', interval: '1' });
  });

  it('drops bars that have not closed by the clock', async () => {
    clock.set(Date.UTC(2025, 10, 11, 0, 10, 30));
    const candles = await newClient().fetchCandles('BTC/USDT', '1m');
    expect(candles.at(-1)!.openTimeMs).toBe(Date.UTC(2025, 10, 11, 0, 9));
  });

  it('drops bars after Kraken\'s "last" even when the clock says they closed', async () => {
    clock.set(Date.UTC(2026, 0, 1));
    const candles = await newClient().fetchCandles('BTC/USDT', '1m');
    expect(candles.at(-1)!.openTimeMs).toBe(capture.result.last * 1000);
  });

  it('asks for bars from a time on, inclusive', async () => {
    const sinceMs = Date.UTC(2025, 10, 11, 0, 0);
    const candles = await newClient().fetchCandles('BTC/USDT', '1m', sinceMs);
    expect(candles[0]!.openTimeMs).toBe(sinceMs);
    expect(candles).toHaveLength(17);
    const ohlc = server.requests.find((r) => r.path === '/0/public/OHLC')!;
    expect(ohlc.query.get('since')).toBe(String(sinceMs / 1000 - 60));
  });

  it('reads the ticker as decimal strings', async () => {
    const ticker = await newClient().fetchTicker('BTC/USDT');
    expect(ticker).toEqual({
      symbol: 'BTC/USDT',
      receivedAtMs: CAPTURED_AT_MS,
      bid: '105944.20000',
      ask: '105944.30000',
      last: '105899.40000',
      open: '106021.60000',
      high24h: '106613.10000',
      low24h: '104711.00000',
      volume24h: '163.28908096',
      vwap24h: '105904.39279',
      trades24h: 3276,
    });
    expect(Object.fromEntries(server.requests.at(-1)!.query)).toEqual({ pair: 'XBTUSDT' });
  });

  it("resolves the default pairs to Kraken ids and never takes another pair's bars for them", async () => {
    const client = newClient();
    for (const [symbol, id] of [
      ['BTC/USD', 'XXBTZUSD'],
      ['XRP/USD', 'XXRPZUSD'],
    ] as const) {
      // The recorded answer holds XBTUSDT only.
      const err = await failure(client.fetchCandles(symbol, '1h'));
      expect(err.code).toBe('EXCHANGE_REJECTED');
      expect(err.message).toMatch(new RegExp(`no entry for ${id}`));
      expect(Object.fromEntries(server.requests.at(-1)!.query)).toEqual({ pair: id, interval: '60' });
    }
  });

  it('accepts an answer keyed by the requested pair', async () => {
    const rows = capture.result.XBTUSDT.slice(0, 3);
    server.override('/0/public/OHLC', { body: { error: [], result: { XXBTZUSD: rows, last: rows[2]![0] } } });
    const candles = await newClient().fetchCandles('BTC/USD', '1m');
    expect(candles.map((c) => c.close)).toEqual(rows.map((r) => r[4]));
    expect(candles.every((c) => c.symbol === 'BTC/USD')).toBe(true);
  });

  it.each([
    ['EGeneral:Invalid arguments', 'EXCHANGE_REJECTED', false],
    ['EQuery:Unknown asset pair', 'EXCHANGE_REJECTED', false],
    ['EService:Unavailable', 'EXCHANGE_UNAVAILABLE', true],
    ['EService:Busy', 'EXCHANGE_UNAVAILABLE', true],
    ['EAPI:Rate limit exceeded', 'EXCHANGE_RATE_LIMITED', true],
    ['EGeneral:Too many requests', 'EXCHANGE_RATE_LIMITED', true],
  ])('maps Kraken error %s to %s', async (krakenError, code, retryable) => {
    server.override('/0/public/OHLC', { body: { error: [krakenError] } });
    const err = await failure(newClient().fetchCandles('BTC/USDT', '1m'));
    expect(err).toMatchObject({ code, retryable });
    expect(err.message).toContain(krakenError);
  });

  it.each([
    [503, 'EXCHANGE_UNAVAILABLE', '<html>Service Unavailable</html>'],
    [502, 'EXCHANGE_UNAVAILABLE', '<html>Bad Gateway</html>'],
    [429, 'EXCHANGE_RATE_LIMITED', 'Too Many Requests'],
    [504, 'TIMEOUT', ''],
  ])('maps HTTP %i to %s', async (status, code, body) => {
    server.override('/0/public/Ticker', { status, body });
    expect(await failure(newClient().fetchTicker('BTC/USDT'))).toMatchObject({ code });
  });

  it('refuses a malformed answer instead of guessing', async () => {
    server.override('/0/public/OHLC', {
      body: { error: [], result: { XBTUSDT: [[1762777020, 106038.2, '1', '1', '1', '0', '0', 0]], last: 1762777020 } },
    });
    expect(await failure(newClient().fetchCandles('BTC/USDT', '1m'))).toMatchObject({
      code: 'EXCHANGE_REJECTED',
      retryable: false,
    });
    server.override('/0/public/OHLC', {
      body: { error: [], result: { XBTUSDT: [[1762777020, '2', '1', '3', '1', '0', '0', 1]], last: 1762777020 } },
    });
    expect(await failure(newClient().fetchCandles('BTC/USDT', '1m'))).toMatchObject({
      code: 'EXCHANGE_REJECTED',
      message: expect.stringMatching(/above high/),
    });
    server.override('/0/public/Ticker', { body: { error: [], result: { XBTUSDT: { a: [] } } } });
    expect(await failure(newClient().fetchTicker('BTC/USDT'))).toMatchObject({ code: 'EXCHANGE_REJECTED' });
    const ticker = JSON.parse(
      readFileSync(new URL('../fixtures/kraken/nautilus/http_ticker.json', import.meta.url), 'utf8'),
    ) as {
      result: { XBTUSDT: Record<string, unknown> };
    };
    const negativeVolume = { ...ticker.result.XBTUSDT, v: ['1', '-163.28908096'] };
    server.override('/0/public/Ticker', { body: { error: [], result: { XBTUSDT: negativeVolume } } });
    expect(await failure(newClient().fetchTicker('BTC/USDT'))).toMatchObject({
      code: 'EXCHANGE_REJECTED',
      message: expect.stringMatching(/volume24h/),
    });
  });

  it('refuses an answer without a result, or with a bad "last", or with bars out of order', async () => {
    server.override('/0/public/Ticker', { body: { error: [] } });
    expect(await failure(newClient().fetchTicker('BTC/USDT'))).toMatchObject({
      code: 'EXCHANGE_REJECTED',
      message: expect.stringMatching(/no "result"/),
    });
    const rows = capture.result.XBTUSDT.slice(0, 3);
    server.override('/0/public/OHLC', { body: { error: [], result: { XBTUSDT: rows, last: 'soon' } } });
    expect(await failure(newClient().fetchCandles('BTC/USDT', '1m'))).toMatchObject({
      code: 'EXCHANGE_REJECTED',
      message: expect.stringMatching(/"last"/),
    });
    server.override('/0/public/OHLC', {
      body: { error: [], result: { XBTUSDT: [rows[1], rows[0]], last: '1762820160' } },
    });
    expect(await failure(newClient().fetchCandles('BTC/USDT', '1m'))).toMatchObject({
      code: 'EXCHANGE_REJECTED',
      message: expect.stringMatching(/out of order/),
    });
  });

  it.each([
    ['an HTML page', '<html>Attention required</html>'],
    ['an empty body', ''],
    ['cut-off JSON', '{"error":[],"result":{"XBT'],
  ])('treats %s with status 200 as a passing outage', async (_what, body) => {
    server.override('/0/public/Ticker', { body });
    expect(await failure(newClient().fetchTicker('BTC/USDT'))).toMatchObject({
      code: 'EXCHANGE_UNAVAILABLE',
      retryable: true,
    });
  });

  it('refuses a pair Kraken does not list', async () => {
    expect(await failure(newClient().fetchTicker('FOO/BAR'))).toMatchObject({
      code: 'EXCHANGE_REJECTED',
      retryable: false,
    });
  });

  it('loads the markets again after a failed first load', async () => {
    server.override('/0/public/AssetPairs', { body: { error: ['EService:Unavailable'] }, times: 1 });
    const client = newClient();
    expect(await failure(client.fetchTicker('BTC/USDT'))).toMatchObject({
      code: 'EXCHANGE_UNAVAILABLE',
      retryable: true,
    });
    expect((await client.fetchTicker('BTC/USDT')).last).toBe('105899.40000');
  });

  it('times out, retryably and within the configured timeout, when the server never answers', async () => {
    server.override('/0/public/OHLC', { hang: 'headers' });
    const client = newClient();
    await client.fetchTicker('BTC/USDT'); // markets loaded: only the OHLC call is timed below
    const startedAt = performance.now();
    const err = await failure(client.fetchCandles('BTC/USDT', '1m'));
    const elapsed = performance.now() - startedAt;
    expect(err).toMatchObject({ code: 'TIMEOUT', retryable: true });
    expect(elapsed).toBeGreaterThanOrEqual(TIMEOUT_MS - 50);
    expect(elapsed).toBeLessThan(TIMEOUT_MS + scaled(1_000));
  });

  it('times out when the answer stops halfway through the body', async () => {
    server.override('/0/public/OHLC', { hang: 'body' });
    const client = newClient();
    await client.fetchTicker('BTC/USDT');
    const startedAt = performance.now();
    const err = await failure(client.fetchCandles('BTC/USDT', '1m'));
    expect(err).toMatchObject({ code: 'TIMEOUT', retryable: true });
    expect(performance.now() - startedAt).toBeLessThan(TIMEOUT_MS + scaled(1_000));
  });

  it('answers a slow server that stays within the timeout', async () => {
    server.override('/0/public/Ticker', { delayMs: 300 });
    expect((await newClient().fetchTicker('BTC/USDT')).bid).toBe('105944.20000');
  });

  it('reports a server that refuses connections as unavailable', async () => {
    const gone = await startKrakenFixtureServer();
    await gone.close();
    const client = new KrakenPublicClient({
      config: { baseUrl: gone.url, timeoutMs: TIMEOUT_MS },
      limiter: countingLimiter(),
      clock,
    });
    expect(await failure(client.fetchTicker('BTC/USDT'))).toMatchObject({
      code: 'EXCHANGE_UNAVAILABLE',
      retryable: true,
    });
  });

  describe('with the shared Redis rate limiter', () => {
    it('passes every HTTP request, the market list included, through the limiter', async () => {
      const limiter = countingLimiter();
      const client = newClient(limiter);
      await client.fetchCandles('BTC/USDT', '1m');
      await client.fetchTicker('BTC/USDT');
      expect(server.requests.map((r) => r.path)).toEqual([
        '/0/public/Assets',
        '/0/public/AssetPairs',
        '/0/public/OHLC',
        '/0/public/Ticker',
      ]);
      expect(limiter.calls).toBe(4);
    });

    it('spaces the requests of two clients by the shared counter', async ({ fileRedis: t }) => {
      const params = { redis: t.redis, key: t.keys.rateLimit('kraken:public:spacing'), maxCounter: 1, decayPerSec: 10 };
      const a = newClient(new KrakenRateLimiter(params));
      const b = newClient(new KrakenRateLimiter(params));
      await Promise.all([a.fetchTicker('BTC/USDT'), b.fetchTicker('BTC/USDT')]);
      const times = server.requests.map((r) => r.atMs).sort((x, y) => x - y);
      expect(times).toHaveLength(6);
      // One request per 100 ms: six requests span at least ~500 ms.
      expect(times.at(-1)! - times[0]!).toBeGreaterThanOrEqual(450);
    });

    it('fails retryably without calling Kraken when the limiter cannot admit in time', async ({ fileRedis: t }) => {
      const limiter = new KrakenRateLimiter({
        redis: t.redis,
        key: t.keys.rateLimit('kraken:public:deadline'),
        maxCounter: 1,
        decayPerSec: 0.01,
        maxWaitMs: 100,
      });
      const err = await failure(newClient(limiter).fetchTicker('BTC/USDT'));
      expect(err).toMatchObject({ code: 'EXCHANGE_RATE_LIMITED', retryable: true });
      expect(server.requests.map((r) => r.path)).toEqual(['/0/public/Assets']);
    });
  });
});
