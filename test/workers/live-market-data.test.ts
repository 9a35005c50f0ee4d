import { readFileSync } from 'node:fs';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { loadRecentCandles } from '../../src/market/candle-store.ts';
import { krakenCandleSource } from '../../src/market/candle-source.ts';
import { KrakenPublicClient } from '../../src/kraken/kraken-public-client.ts';
import { KrakenRateLimiter } from '../../src/kraken/kraken-rate-limiter.ts';
import type { MarketDataRunResult } from '../../src/queues/queue-catalog.ts';
import { startKrakenFixtureServer, type KrakenFixtureServer } from '../support/kraken-fixture-server.ts';
import { createTaskHarness, type TaskHarness } from '../support/task-harness.ts';
import { scaled } from '../support/test-timing.ts';

/** Server time of the recorded OHLC answer (`http_server_time.json`). */
const CAPTURED_AT_MS = 1_762_820_224_000;
const recorded = JSON.parse(
  readFileSync(new URL('../fixtures/kraken/nautilus/http_ohlc.json', import.meta.url), 'utf8'),
) as { result: { XBTUSDT: unknown[][] } };

describe('the market-data task on Kraken (a local server replaying its real answers)', () => {
  let server: KrakenFixtureServer;
  let h: TaskHarness | undefined;
  beforeEach(async () => {
    server = await startKrakenFixtureServer();
  });
  afterEach(async () => {
    await h?.cleanup();
    h = undefined;
    await server.close();
  });

  // The recording is of 1-minute bars.
  const harness = () =>
    createTaskHarness({
      clockMs: CAPTURED_AT_MS,
      config: {
        marketData: { source: 'live', timeframe: '1m', kraken: { baseUrl: server.url, timeoutMs: 2_000 } },
        symbols: { pairs: ['BTC/USDT'], cashAsset: 'USDT' },
        portfolio: { targets: { BTC: 50, USDT: 50 } },
      },
      candles: (t, clock) => {
        const limiter = new KrakenRateLimiter({
          redis: t.redis,
          key: t.keys.rateLimit('kraken:public'),
          maxCounter: 10,
          decayPerSec: 5,
        });
        return krakenCandleSource(
          new KrakenPublicClient({ config: { baseUrl: server.url, timeoutMs: 2_000 }, limiter, clock }),
          '1m',
        );
      },
    });

  it(
    'stores the closed bars, publishes the newest (the rest is history), and asks only for newer ones next time',
    async () => {
      h = await harness();
      await h.startWorkers(['market-data']);
      const first = await h.runTick('market-data');
      const run = await h.settled('market-data', `marketData.BTC-USDT.${first.tickId}`);
      expect(run.state, run.failedReason).toBe('completed');
      const result = run.returnvalue as MarketDataRunResult;
      // The last marketData.historyCandles of the recorded bars, without the one still forming.
      const closed = recorded.result.XBTUSDT.filter(
        (row) => (row[0] as number) * 1000 + 60_000 <= CAPTURED_AT_MS,
      ).length;
      const wanted = Math.min(closed, h.config.marketData.historyCandles);
      expect(wanted).toBeGreaterThan(100);
      expect(result.stored).toBe(wanted);
      expect(result.published).toBe(1);
      const stored = await loadRecentCandles(h.database.db, 'BTC/USDT', '1m', 1_000);
      expect(stored).toHaveLength(wanted);
      expect(stored.at(-1)!.openTimeMs).toBe(result.lastOpenTimeMs);
      const onBus = await h.t.redis.xrange(h.t.keys.busStream('market_data'), '-', '+');
      expect(onBus).toHaveLength(1);
      expect(onBus[0]![1].join(' ')).toContain(`"openTimeMs":${result.lastOpenTimeMs}`);

      const second = await h.runTick('market-data');
      const again = await h.settled('market-data', `marketData.BTC-USDT.${second.tickId}`);
      expect(again.returnvalue).toMatchObject({ stored: 0, published: 0 });
      const ohlc = server.requests.filter((r) => r.path === '/0/public/OHLC');
      expect(ohlc.at(-1)!.query.get('since')).not.toBeNull();
    },
    scaled(30_000),
  );

  it(
    'retries a run when Kraken answers 503, storing every bar once',
    async () => {
      h = await harness();
      await h.startWorkers(['market-data']);
      server.override('/0/public/OHLC', { status: 503, body: 'Service Unavailable', times: 1 });
      const tick = await h.runTick('market-data');
      const run = await h.settled('market-data', `marketData.BTC-USDT.${tick.tickId}`, 15_000);
      expect(run.state, run.failedReason).toBe('completed');
      const job = await h.queue('market-data').getJob(`marketData.BTC-USDT.${tick.tickId}`);
      expect(job!.attemptsMade).toBe(2);
      // The retry waited the queue's backoff.
      expect(job!.finishedOn! - job!.timestamp).toBeGreaterThanOrEqual(2_000);
      const stored = await loadRecentCandles(h.database.db, 'BTC/USDT', '1m', 1_000);
      expect(new Set(stored.map((c) => c.openTimeMs)).size).toBe(stored.length);
      expect((run.returnvalue as MarketDataRunResult).stored).toBe(stored.length);
    },
    scaled(30_000),
  );
});
