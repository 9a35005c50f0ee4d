import { afterEach, describe, expect, it } from 'vitest';
import { loadRecentCandles } from '../../src/market/candle-store.ts';
import { loadHistoryFirst } from '../../src/queues/load-history-first.ts';
import { syncSchedules } from '../../src/queues/sync-schedules.ts';
import { silentLogger } from '../../src/shared/logger.ts';
import { createTaskHarness, type TaskHarness } from '../support/task-harness.ts';

/** A market time the recordings of both pairs cover, a minute after a bar closed. */
const MARKET_MS = Date.UTC(2022, 2, 1, 12, 1);

describe('loadHistoryFirst', () => {
  let h: TaskHarness | undefined;
  afterEach(async () => {
    await h?.cleanup();
    h = undefined;
  });

  const load = (harness: TaskHarness, timeoutMs = 20_000) =>
    loadHistoryFirst({
      connection: { url: harness.t.url },
      keys: harness.t.keys,
      pairs: harness.config.symbols.pairs,
      timeoutMs,
      logger: silentLogger,
    });

  it("on a first start, returns once every pair's history is stored, so the first analysis finds it", async () => {
    h = await createTaskHarness({ clockMs: MARKET_MS });
    await h.startWorkers(['market-data']);
    const result = await load(h);
    expect(result).toEqual({ noWorker: false, loaded: ['BTC/USD', 'XRP/USD'], notLoaded: [] });
    for (const symbol of h.config.symbols.pairs) {
      // Stored when the call returns, not later: the analyses need history.ta.minCandles at once.
      expect(await loadRecentCandles(h.database.db, symbol, h.config.marketData.timeframe, 1_000)).toHaveLength(
        h.config.marketData.historyCandles,
      );
    }
  });

  it('does nothing on a restart: the market-data scheduler exists already', async () => {
    h = await createTaskHarness({ clockMs: MARKET_MS });
    await syncSchedules({
      connection: { url: h.t.url },
      keys: h.t.keys,
      schedules: { ...h.config.schedules, marketData: { ...h.config.schedules.marketData, everyMs: 3_600_000 } },
    });
    await h.startWorkers(['market-data']);
    expect(await load(h)).toBeUndefined();
    expect(await loadRecentCandles(h.database.db, 'BTC/USD', h.config.marketData.timeframe, 1)).toHaveLength(0);
  });

  it('adds nothing and waits for nothing when no market-data worker runs (a scheduler started alone)', async () => {
    h = await createTaskHarness({ clockMs: MARKET_MS });
    expect(await load(h)).toEqual({ noWorker: true, loaded: [], notLoaded: [] });
    expect(await h.queue('market-data').getWaitingCount()).toBe(0);
  });

  it('gives up after its wait when the worker does not take the runs, naming each pair, and the runs stay queued', async () => {
    h = await createTaskHarness({ clockMs: MARKET_MS });
    // A worker of the queue is running, but paused: it takes nothing.
    await h.startWorkers(['market-data']);
    await h.queue('market-data').pause();
    const result = await load(h, 500);
    expect(result?.loaded).toEqual([]);
    expect(result?.notLoaded.map((p) => p.symbol)).toEqual(['BTC/USD', 'XRP/USD']);
    expect(result?.notLoaded[0]?.reason).toMatch(/timed out|before finishing/i);
    expect(await h.queue('market-data').getWaitingCount()).toBe(2);
  });
});
